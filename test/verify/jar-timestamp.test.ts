import { describe, expect, it } from 'vitest';
import { type PathAnchor, verifyJar } from '../../src/verify';
import { jarCase, jarTsaAnchors, jarVendorAnchors, readJarFixture } from '../helpers/jar-fixtures';

const subtle = globalThis.crypto.subtle;

async function run(
  name: string,
  options: { anchors?: PathAnchor[]; tsa?: PathAnchor[]; time?: string } = {},
) {
  const c = jarCase(name);
  const result = await verifyJar({
    archive: readJarFixture(c.file),
    anchors: options.anchors ?? jarVendorAnchors(c.vendor),
    tsaAnchors: options.tsa ?? jarTsaAnchors(),
    time: new Date(options.time ?? c.time),
    subtle,
  });
  if (!result.ok) throw new Error(`${name}: ${result.code} ${result.detail}`);
  return result.outcome;
}
const codes = (outcome: { reasons: Array<{ code: string }> }) => outcome.reasons.map((r) => r.code);

describe('verifyJar with a jarsigner -tsa timestamp', () => {
  describe('when the signer expired but the token of 2020-06-01 chains to a TSA root', () => {
    it('trusts the JAR and reports the expired signer in the chain', async () => {
      const outcome = await run('expired-signer-timestamped-trusted');
      expect(outcome.verdict).toBe('trusted');
      expect(outcome.signer?.notAfter).toBe('2021-01-01T00:00:00.000Z');
    });
  });

  describe('when no TSA root is configured', () => {
    it('rejects the expired signer with TIMESTAMP_UNTRUSTED', async () => {
      const outcome = await run('expired-signer-timestamped-trusted', { tsa: [] });
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('TIMESTAMP_UNTRUSTED');
    });
  });

  describe('when the vendor root is distrusted from a date between the signer notBefore and the token', () => {
    it('rejects the JAR with ANCHOR_DISTRUSTED', async () => {
      const anchors = jarVendorAnchors('acme').map((a) => ({
        ...a,
        distrustAfter: new Date('2026-01-01T00:00:00Z'),
      }));
      const outcome = await run('signed-timestamped-trusted', { anchors });
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('ANCHOR_DISTRUSTED');
    });
    it('still trusts the same JAR without a timestamp (the signer notBefore 2024 is compared)', async () => {
      const anchors = jarVendorAnchors('acme').map((a) => ({
        ...a,
        distrustAfter: new Date('2026-01-01T00:00:00Z'),
      }));
      expect((await run('signed-rsa-trusted', { anchors })).verdict).toBe('trusted');
    });
  });
});
