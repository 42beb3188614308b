import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditReader, createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { readTsaStoreDir, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { verifyRequest } from '../../src/services/verification';
import { importSeed, type SeedVendor, type TrustRepository } from '../../src/trust';
import { DEFAULT_VERIFY_LIMITS } from '../../src/verify';
import { FIXTURE_TRUST_STORE, MIGRATIONS } from '../helpers/test-app';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';
import { ROOTS } from './helpers/admin-client';

const FIRST = new Date('2026-06-01T00:00:00Z');
const LATER = new Date('2026-06-02T00:00:00Z');

let opened: Awaited<ReturnType<typeof openLibsqlDatabase>>;
let trust: TrustRepository;
beforeEach(async () => {
  opened = await openLibsqlDatabase(':memory:', MIGRATIONS);
  trust = createTrustRepository(opened.db);
});
afterEach(() => opened.close());

/** The store in `dir` with acme's vendor.json set to `file` (null: none). */
async function seedWith(dir: string, file: object | null): Promise<SeedVendor[]> {
  const seed = await readTrustStoreDir(dir);
  const acme = seed.find((v) => v.id === 'acme');
  if (!acme) throw new Error(`no acme in ${dir}`);
  acme.vendorJson = file === null ? null : JSON.stringify(file);
  return seed;
}
const seedActions = async (action: string) =>
  (await createAuditReader(opened.db).list({ actor: 'seed', limit: 1000 })).filter(
    (e) => e.action === action,
  );

describe('importSeed and the revocation policy in vendor.json', () => {
  describe('when a new vendor says revocationPolicy require', () => {
    it('creates it requiring revocation information', async () => {
      await importSeed(trust, await seedWith(FIXTURE_TRUST_STORE, { revocationPolicy: 'require' }), FIRST);
      expect((await trust.getVendor('acme'))?.revocationPolicy).toBe('require');
      expect((await trust.getVendor('globex'))?.revocationPolicy).toBe('best-effort');
    });
  });

  describe('when a stored best-effort vendor is now required by vendor.json (the safe direction)', () => {
    it('moves it to require once, audited as done by seed', async () => {
      await importSeed(trust, await seedWith(FIXTURE_TRUST_STORE, null), FIRST);
      const before = await trust.getVendor('acme');
      const report = await importSeed(
        trust,
        await seedWith(FIXTURE_TRUST_STORE, { revocationPolicy: 'require' }),
        LATER,
      );
      expect(report.revocationRequired).toEqual(['acme']);
      expect(await trust.getVendor('acme')).toMatchObject({
        revocationPolicy: 'require',
        version: (before?.version ?? 0) + 1,
      });
      expect(await seedActions('vendor.revocation_policy')).toEqual([
        expect.objectContaining({
          vendorId: 'acme',
          before: { revocationPolicy: 'best-effort' },
          after: { revocationPolicy: 'require' },
        }),
      ]);
      const again = await importSeed(
        trust,
        await seedWith(FIXTURE_TRUST_STORE, { revocationPolicy: 'require' }),
        LATER,
      );
      expect(again.revocationRequired).toEqual([]);
      expect(again.vendorConflicts).toEqual([]);
    });
  });

  describe('when a stored require vendor is best-effort in vendor.json (a widening)', () => {
    it('keeps require and reports the conflict', async () => {
      await importSeed(trust, await seedWith(FIXTURE_TRUST_STORE, { revocationPolicy: 'require' }), FIRST);
      const report = await importSeed(
        trust,
        await seedWith(FIXTURE_TRUST_STORE, { revocationPolicy: 'best-effort' }),
        LATER,
      );
      expect(report.vendorConflicts).toEqual([{ vendorId: 'acme', field: 'revocationPolicy' }]);
      expect((await trust.getVendor('acme'))?.revocationPolicy).toBe('require');
      expect((await seedActions('seed.conflict')).map((e) => e.targetId)).toEqual(['acme']);
    });
  });

  describe('when the policy is misspelt', () => {
    it('refuses the file', async () => {
      await expect(
        importSeed(trust, await seedWith(FIXTURE_TRUST_STORE, { revocationPolicy: 'required' }), FIRST),
      ).rejects.toThrow(/revocationPolicy/);
    });
  });
});

describe('importSeed and keyCompromise in vendor.json', () => {
  const TS_STORE = join(TIMESTAMP_FIXTURES, 'trust-store');

  /** The stamped signature (valid TSA token, 2024-06-01) verified against the store as it is. */
  async function verifyStamped() {
    const c = timestampCase('long-signer-timestamped-2024-trusted');
    const result = await verifyRequest(
      {
        trust,
        subtle: globalThis.crypto.subtle,
        now: () => LATER,
        limits: DEFAULT_VERIFY_LIMITS,
        escalate: async () => null,
        tsaAnchors: tsaAnchorsFor(await readTsaStoreDir(TS_STORE)),
      },
      {
        vendor: 'acme',
        signature: readTimestampFixture(c.signature),
        artifact: { kind: 'bytes', bytes: readTimestampFixture(c.artifact) },
      },
    );
    return { verdict: result.verdict, codes: result.reasons.map((r) => r.code) };
  }
  const acmeRoot = async () => {
    const [root] = await trust.listAnchors('acme');
    if (!root) throw new Error('no acme root');
    return root;
  };

  describe('when a new root is listed with keyCompromise and no date', () => {
    it('imports it distrusted for key compromise, and the timestamped signature is rejected', async () => {
      await importSeed(trust, await seedWith(TS_STORE, null), FIRST);
      const sha256 = (await acmeRoot()).sha256;
      opened.close();
      opened = await openLibsqlDatabase(':memory:', MIGRATIONS);
      trust = createTrustRepository(opened.db);

      const report = await importSeed(
        trust,
        await seedWith(TS_STORE, { roots: { [sha256]: { keyCompromise: true } } }),
        FIRST,
      );
      expect(report.anchorsAdded).toEqual([{ vendorId: 'acme', sha256, state: 'distrusted' }]);
      expect(await acmeRoot()).toMatchObject({
        state: 'distrusted',
        keyCompromise: true,
        distrustAfter: FIRST.toISOString(),
      });
      expect(await verifyStamped()).toEqual({ verdict: 'rejected', codes: ['ANCHOR_DISTRUSTED'] });
    });
  });

  describe('when a stored root gains keyCompromise in vendor.json', () => {
    it('distrusts it for key compromise (the safe direction), audited, where a later date kept it trusted', async () => {
      await importSeed(trust, await seedWith(TS_STORE, null), FIRST);
      const sha256 = (await acmeRoot()).sha256;
      const dated = { distrustAfter: '2025-01-01T00:00:00Z' };
      await importSeed(trust, await seedWith(TS_STORE, { roots: { [sha256]: dated } }), FIRST);
      expect(await verifyStamped()).toEqual({ verdict: 'trusted', codes: [] });

      const report = await importSeed(
        trust,
        await seedWith(TS_STORE, { roots: { [sha256]: { ...dated, keyCompromise: true } } }),
        LATER,
      );
      expect(report.distrusted).toEqual([
        { vendorId: 'acme', sha256, after: '2025-01-01T00:00:00.000Z', keyCompromise: true },
      ]);
      expect(await acmeRoot()).toMatchObject({ state: 'distrusted', keyCompromise: true });
      expect(await verifyStamped()).toEqual({ verdict: 'rejected', codes: ['ANCHOR_DISTRUSTED'] });
      expect((await seedActions('anchor.distrust')).at(-1)).toMatchObject({
        targetId: sha256,
        before: { keyCompromise: false },
        after: { state: 'distrusted', keyCompromise: true },
      });
    });
  });

  describe('when vendor.json drops keyCompromise for a root the store holds as key-compromised', () => {
    it('keeps the key compromise and reports the conflict', async () => {
      await importSeed(trust, await seedWith(FIXTURE_TRUST_STORE, null), FIRST);
      await importSeed(
        trust,
        await seedWith(FIXTURE_TRUST_STORE, { roots: { [ROOTS.acmeRsa]: { keyCompromise: true } } }),
        FIRST,
      );
      const report = await importSeed(
        trust,
        await seedWith(FIXTURE_TRUST_STORE, {
          roots: { [ROOTS.acmeRsa]: { distrustAfter: '2020-01-01T00:00:00Z' } },
        }),
        LATER,
      );
      expect(report.distrusted).toEqual([]);
      expect(report.conflicts).toEqual([{ vendorId: 'acme', sha256: ROOTS.acmeRsa, state: 'distrusted' }]);
      expect(await trust.getAnchor('acme', ROOTS.acmeRsa)).toMatchObject({
        keyCompromise: true,
        distrustAfter: FIRST.toISOString(),
      });
    });
  });
});
