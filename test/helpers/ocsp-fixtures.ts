import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isParseError, type ParsedCertificate, parseCertificate } from '../../src/verify/certificate';
import { decodePemBlocks } from '../../src/verify/pem';
import { decodeTree, type TreeNode } from './der-tree';

/** The OCSP fixtures of scripts/fixtures/make-ocsp-fixtures.sh (see test/fixtures/ocsp/README.md). */
export const OCSP_FIXTURES = join(import.meta.dirname, '../fixtures/ocsp');

export const ocspManifest: {
  recordedAt: string;
  aiaOcspUrl: string;
  revokedAt: string;
  revokedReasonCode: number;
} = JSON.parse(readFileSync(join(OCSP_FIXTURES, 'manifest.json'), 'utf8'));

/** The clock the recorded responses are checked at: five minutes after OpenSSL made them. */
export const OCSP_TIME = new Date(new Date(ocspManifest.recordedAt).getTime() + 5 * 60_000);

export const ocspFile = (path: string) => new Uint8Array(readFileSync(join(OCSP_FIXTURES, path)));

export function ocspCertificate(name: string): ParsedCertificate {
  const [block] = decodePemBlocks(readFileSync(join(OCSP_FIXTURES, 'certs', `${name}.pem`), 'utf8'));
  if (!block) throw new Error(`no certificate ${name}`);
  const parsed = parseCertificate(block.der);
  if (isParseError(parsed)) throw new Error(`${name}: ${parsed.error.message}`);
  return parsed;
}

export const ocspResponse = (name: string) => ocspFile(`responses/${name}.der`);
export const ocspRequest = (name: string) => ocspFile(`requests/${name}.der`);

/** The nonce an OCSP request carries (the OCTET STRING inside the nonce extension's extnValue). */
export function requestNonce(request: Uint8Array): Uint8Array {
  const tbs = decodeTree(request).children?.[0];
  const extensions = tbs?.children?.find((c) => c.tag === 0xa2);
  const nonce = extensions?.children?.[0]?.children?.[0] as TreeNode;
  const extnValue = nonce.children?.[1]?.value as Uint8Array;
  return decodeTree(extnValue).value as Uint8Array;
}
