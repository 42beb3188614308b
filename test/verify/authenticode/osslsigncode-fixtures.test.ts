/**
 * The osslsigncode-made fixtures (test/fixtures/authenticode, scripts/fixtures/make-authenticode-fixtures.sh):
 * the image hash agrees with what `osslsigncode verify` calculated for every file, and the verdicts agree
 * with osslsigncode's except where a documented policy differs (docs/authenticode.md).
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/encoding';
import { nobleDigestParts, verifyAuthenticode } from '../../../src/verify/authenticode';
import { imageHashParts } from '../../../src/verify/authenticode/image-hash';
import { readPeLayout } from '../../../src/verify/authenticode/pe';
import { verifyPackage } from '../../../src/verify/verify-package';
import {
  authenticodeExpected,
  authenticodeStoreAnchors,
  readAuthenticodeFixture,
} from '../../helpers/authenticode-fixtures';

const expected = authenticodeExpected;
const read = readAuthenticodeFixture;
const roots = authenticodeStoreAnchors;
const anchors = roots('acme');
const tsaAnchors = roots('_tsa');
const time = new Date(expected.verifyTime);
const subtle = globalThis.crypto.subtle;

const verify = (file: string, extra: { signature?: Uint8Array; limits?: object } = {}) =>
  verifyAuthenticode({ image: read(file), anchors, tsaAnchors, time, subtle, ...extra });

async function outcome(file: string, extra: { signature?: Uint8Array } = {}) {
  const result = await verify(file, extra);
  if (!result.ok) throw new Error(`${file}: ${result.code} ${result.detail}`);
  return result.outcome;
}

const BY_LENGTH = { 64: 'SHA-256', 96: 'SHA-384', 128: 'SHA-512' } as const;

describe('Authenticode image hash against osslsigncode', () => {
  // PE files only: the optional CAB and MSI fixtures (no PE layout) are hashed another way, not read here.
  const withDigests = expected.fixtures.filter(
    (f) => f.layout !== null && (f.osslsigncode.calculatedMessageDigest ?? []).length > 0,
  );
  it('covers the signed, nested and tampered fixtures', () => {
    expect(withDigests.length).toBeGreaterThanOrEqual(15);
  });
  for (const fixture of withDigests) {
    it(`agrees with "Calculated message digest" for ${fixture.file}`, async () => {
      const image = read(fixture.file);
      const layout = readPeLayout(image);
      if (!layout.ok) throw new Error(layout.problem);
      for (const want of fixture.osslsigncode.calculatedMessageDigest ?? []) {
        const hash = BY_LENGTH[want.length as keyof typeof BY_LENGTH];
        if (!hash) continue; // SHA-1: not computed by trustgate
        const got = await nobleDigestParts(hash, imageHashParts(image, layout.layout));
        expect(toHex(got).toUpperCase()).toBe(want);
      }
    });
  }
});

describe('verdicts on osslsigncode fixtures', () => {
  it.each([
    'signed/pe32plus-sha256.efi',
    'signed/pe32-sha256.exe',
    'signed/pe32plus-sha384.efi',
    'signed/pe32plus-odd-length-sha256.efi',
    'signed/pe32plus-sha256-rfc3161.efi',
    'signed/pe32-sha256-rfc3161.exe',
  ])('%s is trusted, one signature listed', async (file) => {
    const o = await outcome(file);
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([['1', 'trusted']]);
    expect(o.anchorId).toContain('acme');
    expect(o.signer?.subject).toContain('Acme');
  });

  it('an unsigned PE is rejected as AUTHENTICODE_UNSIGNED (osslsigncode: "No signature found")', async () => {
    for (const file of ['unsigned/pe32plus.efi', 'unsigned/pe32.exe', 'unsigned/pe32plus-odd-length.efi']) {
      const o = await outcome(file);
      expect(o.verdict).toBe('rejected');
      expect(o.reasons.map((r) => r.code)).toEqual(['AUTHENTICODE_UNSIGNED']);
    }
  });

  it('a SHA-1 signature is refused by policy although osslsigncode accepts it (not broken)', async () => {
    const o = await outcome('signed/pe32plus-sha1.efi');
    expect(o.verdict).toBe('rejected');
    expect(o.reasons.map((r) => r.code)).toEqual(['WEAK_DIGEST_ALGORITHM']);
  });

  it('nested SHA-256 + SHA-384: both listed ("1", "1.1"), both trusted', async () => {
    const o = await outcome('signed/pe32plus-nested-sha256-sha384.efi');
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict, s.digestAlgorithm])).toEqual([
      ['1', 'trusted', 'SHA-256'],
      ['1.1', 'trusted', 'SHA-384'],
    ]);
  });

  it('nested SHA-1 primary + SHA-256: trusted through the SHA-256 one, the SHA-1 one a warning', async () => {
    const o = await outcome('signed/pe32plus-nested-sha1-sha256.efi');
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'rejected'],
      ['1.1', 'trusted'],
    ]);
    expect(o.digestAlgorithm).toBe('SHA-256');
    expect(o.warnings?.filter((w) => w.code === 'WEAK_DIGEST_ALGORITHM').map((w) => w.message)).toEqual([
      'signature 1: SHA-1 digests are refused',
    ]);
  });

  it('two table entries: both verified ("1", "2"; osslsigncode reads only the first entry)', async () => {
    const o = await outcome('signed/pe32plus-two-entries.efi');
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'trusted'],
      ['2', 'trusted'],
    ]);
  });

  it('two entries, the second under an unknown root: trusted, the unknown root a warning', async () => {
    const o = await outcome('signed/pe32plus-two-entries-second-unknown-root.efi');
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => s.verdict)).toEqual(['trusted', 'unknown_root']);
    expect(o.warnings?.some((w) => w.code === 'UNKNOWN_ROOT' && w.message.startsWith('signature 2:'))).toBe(
      true,
    );
  });

  it('an unknown root is unknown_root, with the top to escalate', async () => {
    const o = await outcome('signed/pe32plus-unknown-root.efi');
    expect(o.verdict).toBe('unknown_root');
    expect(o.top?.issuer).toContain('Other Authenticode Root CA');
  });

  it('tampered image byte: AUTHENTICODE_IMAGE_HASH_MISMATCH (PE32+ and PE32)', async () => {
    for (const file of ['tampered/pe32plus-image-byte-flipped.efi', 'tampered/pe32-image-byte-flipped.exe']) {
      const o = await outcome(file);
      expect(o.verdict).toBe('rejected');
      expect(o.reasons.map((r) => r.code)).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
    }
  });

  it('tampered dual-signed image: the nested SHA-256 one is broken, so the file is rejected', async () => {
    const o = await outcome('tampered/pe32plus-nested-image-byte-flipped.efi');
    expect(o.verdict).toBe('rejected');
    expect(o.reasons[0]?.code).toBe('AUTHENTICODE_IMAGE_HASH_MISMATCH');
    expect(o.reasons[0]?.message.startsWith('signature 1.1:')).toBe(true);
  });

  it('tampered certificate table: a flipped bit in the signature value is SIGNATURE_INVALID', async () => {
    const o = await outcome('tampered/pe32plus-pkcs7-signature-bit-flipped.efi');
    expect(o.reasons.map((r) => r.code)).toEqual(['SIGNATURE_INVALID']);
  });

  it.each([
    ['tampered/pe32plus-dwlength-too-large.efi', /runs past the end of the table/],
    ['tampered/pe32plus-dwlength-too-small.efi', /entry 2/],
    ['tampered/pe32plus-bytes-after-table.efi', /bytes follow the certificate table/],
  ])('%s is AUTHENTICODE_TABLE_MALFORMED', async (file, message) => {
    const o = await outcome(file);
    expect(o.verdict).toBe('rejected');
    expect(o.reasons.map((r) => r.code)).toEqual(['AUTHENTICODE_TABLE_MALFORMED']);
    expect(o.reasons[0]?.message).toMatch(message);
  });

  it.each(['extracted/pe32plus-sha256.p7s.der', 'extracted/pe32plus-sha256.p7s.pem'])(
    'an extracted signature (%s) verifies the unsigned file, listed as "given"',
    async (p7s) => {
      const o = await outcome('extracted/pe32plus-sha256-signature-removed.efi', { signature: read(p7s) });
      expect(o.verdict).toBe('trusted');
      expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([['given', 'trusted']]);
    },
  );

  it('an extracted signature also verifies against the signed file (same image hash)', async () => {
    const o = await outcome('signed/pe32plus-sha256.efi', {
      signature: read('extracted/pe32plus-sha256.p7s.der'),
    });
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'trusted'],
      ['given', 'trusted'],
    ]);
  });

  it('a signature copied from another file is AUTHENTICODE_IMAGE_HASH_MISMATCH', async () => {
    const o = await outcome('unsigned/pe32.exe', { signature: read('extracted/pe32plus-sha256.p7s.der') });
    expect(o.verdict).toBe('rejected');
    expect(o.reasons.map((r) => r.code)).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
  });

  it('verifyPackage alone never trusts an Authenticode signature (its content is not id-data)', async () => {
    const result = await verifyPackage({
      signature: read('extracted/pe32plus-sha256.p7s.der'),
      artifact: { kind: 'bytes', bytes: read('extracted/pe32plus-sha256-signature-removed.efi') },
      anchors,
      time,
      subtle,
    });
    expect(result.ok && result.outcome.verdict).toBe('rejected');
    expect(result.ok && result.outcome.reasons.map((r) => r.code)).toContain('CONTENT_TYPE_UNSUPPORTED');
  });

  it('nesting deeper than maxNestingDepth is AUTHENTICODE_LIMIT_EXCEEDED', async () => {
    const result = await verify('signed/pe32plus-nested-sha256-sha384.efi', {
      limits: { maxNestingDepth: 0 },
    });
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
  });
});
