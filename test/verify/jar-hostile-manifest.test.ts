import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { verifyJar } from '../../src/verify';
import { jarCase, jarVendorAnchors, readJarFixture } from '../helpers/jar-fixtures';

const subtle = globalThis.crypto.subtle;

/**
 * The trusted fixture with its manifest replaced. The PKCS#7 block signs the .SF only, so the signature
 * still verifies and the manifest is read: what anyone can do with a JAR its vendor published.
 */
async function withManifest(manifest: string) {
  const files = unzipSync(readJarFixture(jarCase('signed-rsa-trusted').file));
  files['META-INF/MANIFEST.MF'] = new TextEncoder().encode(manifest);
  const result = await verifyJar({
    archive: zipSync(files),
    anchors: jarVendorAnchors('acme'),
    tsaAnchors: [],
    time: new Date('2026-06-01T00:00:00Z'),
    subtle,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}

describe('verifyJar with a hostile manifest under a trusted signature', () => {
  describe('when a header name is 200,000 bytes long (attack: a RangeError out of the manifest parser, a 500)', () => {
    it('rejects the JAR with JAR_MANIFEST_INVALID', async () => {
      const outcome = await withManifest(`Manifest-Version: 1.0\r\n${'A'.repeat(200_000)}: x\r\n`);
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).toContain('JAR_MANIFEST_INVALID');
    });
  });

  describe('when the manifest signs 5,000 entries the archive does not hold (attack: one reason per section)', () => {
    it('lists the first 100 problems and counts the rest', async () => {
      const sections = Array.from(
        { length: 5000 },
        (_, i) =>
          `Name: missing/${i}.class\r\nSHA-256-Digest: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\r\n\r\n`,
      ).join('');
      const outcome = await withManifest(`Manifest-Version: 1.0\r\n\r\n${sections}`);
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.length).toBeLessThanOrEqual(101);
      expect(outcome.reasons.at(-1)?.message).toMatch(/^\d+ more problems in this archive are not listed$/);
    });
  });
});
