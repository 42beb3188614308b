import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { readTsaStoreDir, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { verifyRequest } from '../../src/services/verification';
import { importSeed, type TrustRepository } from '../../src/trust';
import { distrustRoot } from '../../src/trust/root-transitions';
import { DEFAULT_VERIFY_LIMITS } from '../../src/verify';
import { MIGRATIONS } from '../helpers/test-app';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';

// The timestamp fixtures' long-lived signer: notBefore 2020-01-01; its token says 2024-06-01T12:00:05Z ±1 s.
const STAMPED = 'long-signer-timestamped-2024-trusted';
const UNSTAMPED = 'long-signer-untimestamped-trusted';
const NOW = new Date('2026-06-01T00:00:00Z');
const subtle = globalThis.crypto.subtle;

let opened: Awaited<ReturnType<typeof openLibsqlDatabase>>;
let trust: TrustRepository;
let tsa: ReturnType<typeof tsaAnchorsFor>;
beforeAll(async () => {
  opened = await openLibsqlDatabase(':memory:', MIGRATIONS);
  trust = createTrustRepository(opened.db);
  const dir = join(TIMESTAMP_FIXTURES, 'trust-store');
  await importSeed(trust, await readTrustStoreDir(dir), NOW);
  tsa = tsaAnchorsFor(await readTsaStoreDir(dir));
});
afterAll(() => opened.close());

async function distrustFrom(after: string) {
  const [root] = await trust.listAnchors('acme');
  if (!root) throw new Error('no acme root');
  const active = { ...root, state: 'active' as const, distrustAfter: null };
  const moved = distrustRoot(active, new Date(after), NOW);
  if (!moved.ok) throw new Error(moved.detail);
  expect(await trust.updateAnchor({ ...moved.anchor, version: root.version + 1 }, root.version)).toBe(true);
}

async function verify(name: string) {
  const c = timestampCase(name);
  const result = await verifyRequest(
    {
      trust,
      subtle,
      now: () => NOW,
      limits: DEFAULT_VERIFY_LIMITS,
      // Distrusted anchors open a case too; this test looks at verdicts only.
      escalate: async () => ({
        id: 'esc',
        state: 'open',
        kind: 'unknown_root',
        topCertificate: { subject: '', sha256: '', spkiSha256: '' },
        checklist: [],
      }),
      tsaAnchors: tsa,
    },
    {
      vendor: 'acme',
      signature: readTimestampFixture(c.signature),
      artifact: { kind: 'bytes', bytes: readTimestampFixture(c.artifact) },
    },
  );
  return { verdict: result.verdict, codes: result.reasons.map((r) => r.code) };
}

describe('a distrusted root and trusted timestamps', () => {
  describe('when `after` falls between the signer notBefore and the timestamp', () => {
    it('compares the timestamp, not the notBefore: the stamped signature is rejected, the unstamped one not', async () => {
      await distrustFrom('2022-01-01T00:00:00Z');
      expect(await verify(STAMPED)).toEqual({ verdict: 'rejected', codes: ['ANCHOR_DISTRUSTED'] });
      expect(await verify(UNSTAMPED)).toEqual({ verdict: 'trusted', codes: [] });
    });
  });

  describe('when `after` is later than the timestamp and its accuracy', () => {
    it('trusts the stamped signature', async () => {
      await distrustFrom('2024-06-01T12:00:07Z');
      expect((await verify(STAMPED)).verdict).toBe('trusted');
    });
  });

  describe('when `after` is within the timestamp accuracy', () => {
    it('rejects it (the latest time the token allows counts)', async () => {
      await distrustFrom('2024-06-01T12:00:06Z');
      expect(await verify(STAMPED)).toEqual({ verdict: 'rejected', codes: ['ANCHOR_DISTRUSTED'] });
    });
  });

  describe('when `after` is before the signer notBefore', () => {
    it('rejects both', async () => {
      await distrustFrom('2019-06-01T00:00:00Z');
      expect((await verify(STAMPED)).verdict).toBe('rejected');
      expect(await verify(UNSTAMPED)).toEqual({ verdict: 'rejected', codes: ['ANCHOR_DISTRUSTED'] });
    });
  });
});
