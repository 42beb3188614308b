import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { importSeed } from '../../src/trust';
import { FIXTURE_TRUST_STORE } from '../helpers/test-app';
import { createAdminTestApp, ROOTS } from './helpers/admin-client';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(() => t.close());

describe('importSeed after admins changed the store', () => {
  describe('when a seed root was distrusted or retired through the API', () => {
    it('keeps it as the admins left it and writes the conflict to the audit log', async () => {
      await t.call('POST', `/roots/${ROOTS.acmeRsa}/distrust`, {
        token: t.alice,
        body: { after: '2023-01-01T00:00:00Z', reason: 'compromised' },
      });
      await t.call('POST', `/roots/${ROOTS.globexP384}/retire`, { token: t.bob, body: { reason: 'gone' } });

      // The next start-up imports the same reviewed files again.
      const report = await importSeed(
        t.trust,
        await readTrustStoreDir(FIXTURE_TRUST_STORE),
        new Date('2026-06-02T00:00:00Z'),
      );
      expect(report.anchorsAdded).toEqual([]);
      expect(report.conflicts).toEqual(
        expect.arrayContaining([
          { vendorId: 'acme', sha256: ROOTS.acmeRsa, state: 'distrusted' },
          { vendorId: 'globex', sha256: ROOTS.globexP384, state: 'retired' },
        ]),
      );

      const rsa = await (await t.call('GET', `/roots/${ROOTS.acmeRsa}`, { token: t.alice })).json();
      expect(rsa).toMatchObject({ state: 'distrusted', distrustAfter: '2023-01-01T00:00:00.000Z' });
      const globex = await (await t.call('GET', `/roots/${ROOTS.globexP384}`, { token: t.alice })).json();
      expect(globex.state).toBe('retired');
      expect((await t.verify('rsa2048-sha256-detached-der-trusted')).body.verdict).toBe('rejected');
      expect((await t.verify('ecdsa-p384-sha384-globex-trusted')).body.verdict).toBe('unknown_root');

      const audit = await (
        await t.call('GET', '/audit?actor=seed&since=2026-06-02T00:00:00Z', { token: t.alice })
      ).json();
      expect(audit.entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'seed.conflict', targetId: ROOTS.acmeRsa, vendorId: 'acme' }),
          expect.objectContaining({
            action: 'seed.conflict',
            targetId: ROOTS.globexP384,
            vendorId: 'globex',
          }),
        ]),
      );
    });
  });
});

describe('importSeed when the reviewed seed distrusts a root the store holds as active', () => {
  describe('when vendor.json gains a distrustAfter for an active root', () => {
    it('applies the distrust (the safe direction) and audits it', async () => {
      const app = await createAdminTestApp();
      try {
        const seed = await readTrustStoreDir(FIXTURE_TRUST_STORE);
        const acme = seed.find((v) => v.id === 'acme');
        if (!acme) throw new Error('no acme in the fixture store');
        acme.vendorJson = JSON.stringify({
          roots: { [ROOTS.acmeRsa]: { distrustAfter: '2023-06-01T00:00:00Z' } },
        });
        const report = await importSeed(app.trust, seed, new Date('2026-06-02T00:00:00Z'));
        expect(report.distrusted).toEqual([
          {
            vendorId: 'acme',
            sha256: ROOTS.acmeRsa,
            after: '2023-06-01T00:00:00.000Z',
            keyCompromise: false,
          },
        ]);
        const root = await (await app.call('GET', `/roots/${ROOTS.acmeRsa}`, { token: app.alice })).json();
        expect(root).toMatchObject({ state: 'distrusted', distrustAfter: '2023-06-01T00:00:00.000Z' });
        // The fixture signers were issued in 2024, after the distrust date.
        const verdict = await app.verify('rsa2048-sha256-detached-der-trusted');
        expect(verdict.body.reasons.map((r) => r.code)).toContain('ANCHOR_DISTRUSTED');

        // A later seed that drops the distrust does not widen trust again.
        acme.vendorJson = null;
        const again = await importSeed(app.trust, seed, new Date('2026-06-03T00:00:00Z'));
        expect(again.distrusted).toEqual([]);
        expect(again.conflicts).toEqual(
          expect.arrayContaining([{ vendorId: 'acme', sha256: ROOTS.acmeRsa, state: 'distrusted' }]),
        );
      } finally {
        app.close();
      }
    });
  });
});

describe('importSeed when vendor.json disagrees with the store', () => {
  describe('when vendor.json names a root fingerprint that no certificate has (a typo)', () => {
    it('reports it as skipped instead of ignoring it', async () => {
      const app = await createAdminTestApp();
      try {
        const seed = await readTrustStoreDir(FIXTURE_TRUST_STORE);
        const acme = seed.find((v) => v.id === 'acme');
        if (!acme) throw new Error('no acme in the fixture store');
        const typo = `${ROOTS.acmeRsa.slice(0, 63)}0`;
        acme.vendorJson = JSON.stringify({ roots: { [typo]: { distrustAfter: '2023-06-01T00:00:00Z' } } });
        const report = await importSeed(app.trust, seed, new Date('2026-06-02T00:00:00Z'));
        expect(report.skipped).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              vendorId: 'acme',
              file: 'vendor.json',
              why: expect.stringContaining(typo),
            }),
          ]),
        );
      } finally {
        app.close();
      }
    });
  });

  describe('when vendor.json changes the identity rules of a vendor the store already has', () => {
    it('keeps the store and reports and audits the conflict', async () => {
      const app = await createAdminTestApp();
      try {
        const seed = await readTrustStoreDir(FIXTURE_TRUST_STORE);
        const acme = seed.find((v) => v.id === 'acme');
        if (!acme) throw new Error('no acme in the fixture store');
        acme.vendorJson = JSON.stringify({ identityRules: [{ field: 'subject.O', equals: 'Acme Corp' }] });
        const report = await importSeed(app.trust, seed, new Date('2026-06-02T00:00:00Z'));
        expect(report.vendorConflicts).toEqual([{ vendorId: 'acme', field: 'identityRules' }]);
        expect((await app.trust.getVendor('acme'))?.identityRules).toEqual([]);
        const audit = await (
          await app.call('GET', '/audit?actor=seed&since=2026-06-02T00:00:00Z', { token: app.alice })
        ).json();
        expect(audit.entries).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ action: 'seed.conflict', targetType: 'vendor', targetId: 'acme' }),
          ]),
        );
      } finally {
        app.close();
      }
    });
  });
});
