import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignerInfo } from '../../src/verify/cms-envelope';
import { children, parseDer, readTlv } from '../../src/verify/der';
import { decodePemBlocks } from '../../src/verify/pem';
import { signerTimestamp } from '../../src/verify/timestamp';

/**
 * The timestamps of two osslsigncode-made PE files (test/fixtures/authenticode, see its README: the
 * expired acme signer, signed 2020-06-01T12:00:00Z, stamped five seconds later by the fixture TSA, once
 * as a legacy PKCS#9 countersignature, once as an RFC 3161 token in Microsoft's attribute). osslsigncode
 * verify says "Timestamp Server Signature verification: ok" and "Timestamp time: Jun 1 12:00:05 2020 GMT"
 * for both. Only the timestamp is checked here, with the signer read straight from the PKCS#7 (the
 * Authenticode content itself is the PE verifier's).
 */

const FIXTURES = join(import.meta.dirname, '../fixtures/authenticode');
const VERIFY_TIME = new Date('2026-06-01T00:00:00Z');
const STAMPED = '2020-06-01T12:00:05.000Z';
const subtle = globalThis.crypto.subtle;

const u16 = (b: Uint8Array, at: number) => (b[at] as number) | ((b[at + 1] as number) << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

/**
 * The PKCS#7 of the first WIN_CERTIFICATE entry: the certificate table is data directory 4 of the
 * optional header (a file offset and size); an entry is dwLength, wRevision, wCertificateType and then
 * the signature, then padding. What `osslsigncode extract-signature` writes, byte for byte, for these files.
 */
function firstPkcs7(image: Uint8Array): Uint8Array {
  const pe = u32(image, 0x3c);
  const optional = pe + 24;
  const directories = optional + (u16(image, optional) === 0x20b ? 112 : 96);
  const tableOffset = u32(image, directories + 4 * 8);
  const entry = image.subarray(tableOffset + 8, tableOffset + u32(image, tableOffset));
  // The entry is padded to a multiple of 8 bytes; the PKCS#7 is its first DER element.
  return entry.subarray(0, readTlv(entry, 0).next);
}

/** The SignedData's certificates and its one signer, read with the strict SignerInfo reader. */
function readAuthenticode(file: string) {
  const der = firstPkcs7(new Uint8Array(readFileSync(join(FIXTURES, 'signed', file))));
  const contentInfo = children(parseDer(der));
  const signedData = children(
    children(contentInfo[1] as ReturnType<typeof parseDer>)[0] as ReturnType<typeof parseDer>,
  );
  const certificates = children(signedData.find((n) => n.tag === 0xa0) as ReturnType<typeof parseDer>).map(
    (c) => c.raw,
  );
  const signerInfos = signedData[signedData.length - 1] as ReturnType<typeof parseDer>;
  const read = readSignerInfo((children(signerInfos)[0] as ReturnType<typeof parseDer>).raw);
  if (!read.ok) throw new Error(read.detail);
  return { signer: read.signer, certificates };
}

const tsaRoot = () => {
  const [block] = decodePemBlocks(
    readFileSync(join(FIXTURES, 'trust-store/_tsa/fixture-authenticode-tsa-root.pem'), 'utf8'),
  );
  return [{ id: 'fixture-tsa-root', der: (block as { der: Uint8Array }).der }];
};

describe('timestamps of osslsigncode-signed PE files', () => {
  it('verifies the legacy PKCS#9 countersignature (osslsigncode -t): kind pkcs9-countersignature, 12:00:05', async () => {
    const { signer, certificates } = readAuthenticode('pe32plus-expired-signer-legacy-timestamp.efi');
    const stamp = await signerTimestamp(signer, tsaRoot(), VERIFY_TIME, subtle, certificates);
    expect(stamp.kind === 'invalid' ? stamp.reason : stamp.kind).toBe('valid');
    if (stamp.kind !== 'valid') return;
    expect(stamp.timestamp.kind).toBe('pkcs9-countersignature');
    expect(stamp.timestamp.time.toISOString()).toBe(STAMPED);
  });

  it("verifies the RFC 3161 token in Microsoft's attribute (osslsigncode -ts): kind rfc3161, 12:00:05", async () => {
    const { signer, certificates } = readAuthenticode('pe32plus-expired-signer-rfc3161.efi');
    const stamp = await signerTimestamp(signer, tsaRoot(), VERIFY_TIME, subtle, certificates);
    expect(stamp.kind === 'invalid' ? stamp.reason : stamp.kind).toBe('valid');
    if (stamp.kind !== 'valid') return;
    expect(stamp.timestamp.kind).toBe('rfc3161');
    expect(stamp.timestamp.time.toISOString()).toBe(STAMPED);
  });

  it('does not trust the countersignature without the fixture TSA root', async () => {
    const { signer, certificates } = readAuthenticode('pe32plus-expired-signer-legacy-timestamp.efi');
    const stamp = await signerTimestamp(signer, [], VERIFY_TIME, subtle, certificates);
    expect(stamp.kind === 'invalid' && stamp.reason.code).toBe('TIMESTAMP_UNTRUSTED');
  });
});
