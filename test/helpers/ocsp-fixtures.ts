import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isParseError, type ParsedCertificate, parseCertificate } from '../../src/verify/certificate';
import { decodePemBlocks } from '../../src/verify/pem';
import { decodeTree, encodeTree, signedDataOf, type TreeNode } from './der-tree';

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

/** id-ri-ocsp-response (RFC 5940). */
export const OID_RI_OCSP_RESPONSE_DER = Uint8Array.of(
  0x06,
  0x08,
  0x2b,
  0x06,
  0x01,
  0x05,
  0x05,
  0x07,
  0x10,
  0x02,
);

/** RevocationInfoChoice other ([1] IMPLICIT OtherRevocationInfoFormat) of a format and a DER value. */
export const otherRevocationInfo = (formatOidDer: Uint8Array, value: Uint8Array): TreeNode => ({
  tag: 0xa1,
  children: [{ tag: 0x06, value: decodeTree(formatOidDer).value as Uint8Array }, decodeTree(value)],
});

/**
 * A CMS SignedData with these RevocationInfoChoices added to its `crls` field (created before the
 * signerInfos when absent) and, unless told otherwise, the version RFC 5652 §5.1 requires with `other`
 * revocation information (5). The signature itself does not cover these fields, so it still verifies.
 */
export function withRevocationInfo(signature: Uint8Array, choices: TreeNode[], version = 5): Uint8Array {
  const root = decodeTree(signature);
  const signedData = signedDataOf(root);
  const fields = signedData.children as TreeNode[];
  let crls = fields.find((c) => c.tag === 0xa1);
  if (!crls) {
    crls = { tag: 0xa1, children: [] };
    fields.splice(fields.length - 1, 0, crls);
  }
  crls.children?.push(...choices);
  fields[0] = { tag: 0x02, value: Uint8Array.of(version) };
  return encodeTree(root);
}

/** The signature carrying these OCSP responses as RFC 5940 id-ri-ocsp-response. */
export const withOcspResponses = (signature: Uint8Array, responses: Uint8Array[]): Uint8Array =>
  withRevocationInfo(
    signature,
    responses.map((r) => otherRevocationInfo(OID_RI_OCSP_RESPONSE_DER, r)),
  );
