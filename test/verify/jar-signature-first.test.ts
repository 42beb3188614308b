import { describe, expect, it } from 'vitest';
import { verifyJar } from '../../src/verify';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/verify/jar';
import { jarCase, jarTsaAnchors, jarVendorAnchors, readJarFixture } from '../helpers/jar-fixtures';
import { patchEntry } from '../helpers/zip-edit';

const subtle = globalThis.crypto.subtle;
const TIME = new Date('2026-06-01T00:00:00Z');

/**
 * NOTICE.txt, covered by the signed manifest, made a bomb that never went off: it declares 1 MiB - 1 bytes
 * (just under the ratio floor, so the archive limits allow any ratio) from 941 bytes that are not deflate
 * data at all (block type 3). Inflating it is the only way to see that: ZIP_ENTRY_CORRUPT.
 */
function withBombEntry(fixture: string): Uint8Array {
  return patchEntry(readJarFixture(jarCase(fixture).file), 'NOTICE.txt', {
    data: (compressed) => new Uint8Array(compressed.length).fill(0xff),
    uncompressedSize: 1024 * 1024 - 1,
  });
}

const verify = (archive: Uint8Array, limits?: Parameters<typeof verifyJar>[0]['limits']) =>
  verifyJar({
    archive,
    anchors: jarVendorAnchors('acme'),
    tsaAnchors: jarTsaAnchors(),
    time: TIME,
    subtle,
    ...(limits ? { limits } : {}),
  });

async function outcomeOf(archive: Uint8Array) {
  const result = await verify(archive);
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}

describe('verifyJar reads the signature before any entry', () => {
  describe('when the signer is trusted and a signed entry does not inflate', () => {
    it('inflates the entry and rejects the JAR with ZIP_ENTRY_CORRUPT (the bomb is visible when read)', async () => {
      const outcome = await outcomeOf(withBombEntry('signed-rsa-trusted'));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).toContain('ZIP_ENTRY_CORRUPT');
    });
  });

  describe('when the signer chains to no root and a signed entry is a zip bomb (attack: inflate before trust)', () => {
    it('answers unknown_root from the signature alone, without inflating the entry', async () => {
      const outcome = await outcomeOf(withBombEntry('unknown-root'));
      expect(outcome.verdict).toBe('unknown_root');
      expect(outcome.reasons.map((r) => r.code)).toEqual(['UNKNOWN_ROOT']);
      expect(outcome.top).not.toBeNull();
    });
    it('says in the reason that the manifest and the entries were not checked', async () => {
      const outcome = await outcomeOf(withBombEntry('unknown-root'));
      expect(outcome.reasons[0]?.message).toContain('the manifest and the entries were not checked');
    });
  });

  describe('when the signer certificate expired and a signed entry is a zip bomb', () => {
    it('answers rejected with CERT_EXPIRED only, without inflating the entry', async () => {
      const outcome = await outcomeOf(withBombEntry('expired-signer-rejected'));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).not.toContain('ZIP_ENTRY_CORRUPT');
      expect(outcome.reasons.map((r) => r.code)).toContain('CERT_EXPIRED');
    });
  });

  describe('when the signer chains to no root and the manifest itself does not inflate', () => {
    it('answers unknown_root: the manifest is not read either', async () => {
      const archive = patchEntry(readJarFixture(jarCase('unknown-root').file), 'META-INF/MANIFEST.MF', {
        data: (compressed) => new Uint8Array(compressed.length).fill(0xff),
      });
      expect((await outcomeOf(archive)).verdict).toBe('unknown_root');
    });
  });

  describe('when the .SF declares more than the manifest size cap (attack: huge signature file)', () => {
    it('refuses the archive with ARCHIVE_LIMIT_EXCEEDED before inflating it', async () => {
      const archive = patchEntry(readJarFixture(jarCase('signed-rsa-trusted').file), 'META-INF/SIGNER.SF', {
        data: (compressed) => new Uint8Array(compressed.length).fill(0xff),
        uncompressedSize: DEFAULT_ARCHIVE_LIMITS.maxManifestBytes + 1,
      });
      const limits = { ratioFloorBytes: Number.MAX_SAFE_INTEGER };
      expect(await verify(archive, limits)).toMatchObject({
        ok: false,
        code: 'ARCHIVE_LIMIT_EXCEEDED',
        detail: expect.stringContaining('META-INF/SIGNER.SF'),
      });
    });
  });

  describe('when the signature block declares more than the signature size limit', () => {
    it('refuses the archive with ARCHIVE_LIMIT_EXCEEDED naming the block', async () => {
      const archive = readJarFixture(jarCase('signed-rsa-trusted').file);
      expect(await verify(archive, { maxSignatureBytes: 1000 })).toMatchObject({
        ok: false,
        code: 'ARCHIVE_LIMIT_EXCEEDED',
        detail: expect.stringContaining('META-INF/SIGNER.RSA'),
      });
    });
  });

  describe('when the manifest declares more than its cap', () => {
    it('refuses the archive with ARCHIVE_LIMIT_EXCEEDED naming the manifest', async () => {
      const archive = readJarFixture(jarCase('unknown-root').file);
      expect(await verify(archive, { maxManifestBytes: 400 })).toMatchObject({
        ok: false,
        code: 'ARCHIVE_LIMIT_EXCEEDED',
        detail: expect.stringContaining('META-INF/MANIFEST.MF'),
      });
    });
  });
});
