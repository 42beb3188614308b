import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTsaStoreDir, type TsaStore, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { type PathAnchor, verifyPackage } from '../../src/verify';
import { anchorsIn } from '../helpers/jar-fixtures';
import {
  readTimestampFixture,
  TIMESTAMP_FIXTURES,
  timestampCase,
  timestampCases,
} from '../helpers/timestamp-fixtures';

const subtle = globalThis.crypto.subtle;
let tsaStore: TsaStore;
beforeAll(async () => {
  tsaStore = await readTsaStoreDir(join(TIMESTAMP_FIXTURES, 'trust-store'));
});

const vendorRoots = () => anchorsIn(join(TIMESTAMP_FIXTURES, 'trust-store', 'acme'));

async function run(
  name: string,
  options: { anchors?: PathAnchor[]; tsa?: PathAnchor[]; time?: string } = {},
) {
  const c = timestampCase(name);
  const result = await verifyPackage({
    signature: readTimestampFixture(c.signature),
    artifact: { kind: 'bytes', bytes: readTimestampFixture(c.artifact) },
    anchors: options.anchors ?? vendorRoots(),
    tsaAnchors: options.tsa ?? tsaAnchorsFor(tsaStore)(c.vendor),
    time: new Date(options.time ?? c.time),
    subtle,
  });
  if (!result.ok) throw new Error(`${name}: ${result.code} ${result.detail}`);
  return result.outcome;
}
const codes = (outcome: { reasons: Array<{ code: string }> }) => outcome.reasons.map((r) => r.code);

describe('verifyPackage with RFC 3161 timestamp tokens', () => {
  describe('when given each timestamp fixture with the global and vendor TSA roots', () => {
    for (const c of timestampCases) {
      it(`${c.name}: ${c.expectedVerdict} ${c.expectedReasons.join(',')}`, async () => {
        const outcome = await run(c.name);
        expect(outcome.verdict).toBe(c.expectedVerdict);
        expect(codes(outcome)).toEqual(expect.arrayContaining(c.expectedReasons));
        if (c.expectedVerdict === 'trusted') expect(outcome.reasons).toEqual([]);
      });
    }
  });

  describe('when the TSA store holds no root for the token', () => {
    it('rejects the expired signer with TIMESTAMP_UNTRUSTED instead of trusting it', async () => {
      const outcome = await run('expired-signer-timestamped-trusted', { tsa: [] });
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('TIMESTAMP_UNTRUSTED');
    });
    it('does not take a vendor TSA root of acme as a global one', async () => {
      const outcome = await run('expired-signer-vendor-tsa-trusted', { tsa: tsaStore.global });
      expect(codes(outcome)).toContain('TIMESTAMP_UNTRUSTED');
    });
  });

  describe('when the token claims a time after the verification clock', () => {
    it('rejects it with TIMESTAMP_INVALID', async () => {
      const outcome = await run('valid-signer-timestamped-trusted', { time: '2026-05-15T00:00:00Z' });
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('TIMESTAMP_INVALID');
    });
  });

  describe('when the vendor root is distrusted after a date', () => {
    const distrusted = (after: string) =>
      vendorRoots().map((a) => ({ ...a, distrustAfter: new Date(after) }));
    it('trusts a signature timestamped before the distrust date', async () => {
      const outcome = await run('long-signer-timestamped-2024-trusted', {
        anchors: distrusted('2025-01-01T00:00:00Z'),
      });
      expect(outcome.verdict).toBe('trusted');
    });
    it('rejects a signature timestamped after the distrust date, though the signer predates it', async () => {
      const outcome = await run('long-signer-timestamped-2024-trusted', {
        anchors: distrusted('2024-01-01T00:00:00Z'),
      });
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('ANCHOR_DISTRUSTED');
    });
    it("compares the signer's notBefore when there is no token", async () => {
      const outcome = await run('long-signer-untimestamped-trusted', {
        anchors: distrusted('2024-01-01T00:00:00Z'),
      });
      expect(outcome.verdict).toBe('trusted');
    });
  });
});
