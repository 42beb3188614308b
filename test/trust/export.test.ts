import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportToDirectory } from '../../scripts/trust-export';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { importSeed } from '../../src/trust';
import { exportTrustStore } from '../../src/trust/export';
import { FIXTURE_TRUST_STORE, MIGRATIONS } from '../helpers/test-app';
import { ROOTS } from './helpers/admin-client';

const work = mkdtempSync(join(tmpdir(), 'trustgate-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NOW = new Date('2026-06-01T00:00:00Z');

describe('trust:export', () => {
  describe('when the database holds active, distrusted and retired roots', () => {
    it('writes the trust-store layout that imports back to the same trust', async () => {
      const url = `file:${join(work, 'source.db')}`;
      const source = await openLibsqlDatabase(url, MIGRATIONS);
      const trust = createTrustRepository(source.db);
      await importSeed(trust, await readTrustStoreDir(FIXTURE_TRUST_STORE), NOW);
      const rsa = await trust.getAnchor('acme', ROOTS.acmeRsa);
      const p256 = await trust.getAnchor('acme', ROOTS.acmeP256);
      if (!rsa || !p256) throw new Error('seed roots missing');
      await trust.updateAnchor(
        { ...rsa, state: 'distrusted', distrustAfter: '2025-01-01T00:00:00.000Z', version: 2 },
        1,
      );
      await trust.updateAnchor({ ...p256, state: 'retired', version: 2 }, 1);
      const acme = await trust.getVendor('acme');
      if (!acme) throw new Error('no acme');
      await trust.updateVendor(
        {
          ...acme,
          name: 'Acme Corp',
          identityRules: [{ field: 'subject.O', equals: 'Acme Corp' }],
          version: 2,
        },
        1,
      );
      source.close();

      const out = join(work, 'out');
      mkdirSync(join(out, 'acme'), { recursive: true });
      writeFileSync(join(out, 'acme', 'stale.pem'), 'an old file the export replaces');
      writeFileSync(join(out, 'acme', 'NOTES.md'), 'kept');
      writeFileSync(
        join(out, 'acme', 'vendor.json'),
        JSON.stringify({ name: 'old', feeds: ['https://acme.example/pki/feed.xml'] }),
      );
      await exportToDirectory(url, out);

      expect(readdirSync(join(out, 'acme')).sort()).toEqual(
        [
          'NOTES.md',
          `root-${ROOTS.acmeRsa.slice(0, 16)}.pem`,
          'root-12af1db8700d665c.pem',
          'vendor.json',
        ].sort(),
      );
      expect(JSON.parse(readFileSync(join(out, 'acme', 'vendor.json'), 'utf8'))).toEqual({
        name: 'Acme Corp',
        feeds: ['https://acme.example/pki/feed.xml'],
        identityRules: [{ field: 'subject.O', equals: 'Acme Corp' }],
        roots: { [ROOTS.acmeRsa]: { distrustAfter: '2025-01-01T00:00:00.000Z' } },
      });

      // A fresh database seeded from the export has the same trust: the retired root is simply absent.
      const copy = await openLibsqlDatabase(':memory:', MIGRATIONS);
      const copied = createTrustRepository(copy.db);
      const report = await importSeed(copied, await readTrustStoreDir(out), NOW);
      expect(report.skipped).toEqual([]);
      const states = (await copied.listAnchors('acme')).map((a) => [a.sha256, a.state, a.distrustAfter]);
      expect(states).toEqual(
        expect.arrayContaining([
          [ROOTS.acmeRsa, 'distrusted', '2025-01-01T00:00:00.000Z'],
          ['12af1db8700d665cb98c9b6282071a6227daf25952f372fc7194fe069d9a885e', 'active', null],
        ]),
      );
      expect(states.map((s) => s[0])).not.toContain(ROOTS.acmeP256);
      expect((await copied.listAnchors('globex')).map((a) => a.state)).toEqual(['active']);
      expect((await copied.getVendor('acme'))?.identityRules).toEqual([
        { field: 'subject.O', equals: 'Acme Corp' },
      ]);
      copy.close();
    });
  });

  describe('when a vendor requires revocation information and a root is distrusted for key compromise', () => {
    it('writes revocationPolicy and keyCompromise into vendor.json, which import back the same', async () => {
      const source = await openLibsqlDatabase(':memory:', MIGRATIONS);
      const trust = createTrustRepository(source.db);
      await importSeed(trust, await readTrustStoreDir(FIXTURE_TRUST_STORE), NOW);
      const rsa = await trust.getAnchor('acme', ROOTS.acmeRsa);
      const acme = await trust.getVendor('acme');
      if (!rsa || !acme) throw new Error('seed missing');
      const compromised = {
        ...rsa,
        state: 'distrusted' as const,
        distrustAfter: '2025-01-01T00:00:00.000Z',
        keyCompromise: true,
      };
      const files = exportTrustStore([
        { vendor: { ...acme, revocationPolicy: 'require' }, anchors: [compromised] },
      ]);
      const vendorJson = files.find((f) => f.path === 'acme/vendor.json')?.content ?? '';
      expect(JSON.parse(vendorJson)).toMatchObject({
        revocationPolicy: 'require',
        roots: { [ROOTS.acmeRsa]: { distrustAfter: '2025-01-01T00:00:00.000Z', keyCompromise: true } },
      });

      const copy = await openLibsqlDatabase(':memory:', MIGRATIONS);
      const copied = createTrustRepository(copy.db);
      await importSeed(
        copied,
        [{ id: 'acme', vendorJson, certificates: [{ file: 'root.pem', der: rsa.der }] }],
        NOW,
      );
      expect((await copied.getVendor('acme'))?.revocationPolicy).toBe('require');
      expect(await copied.getAnchor('acme', ROOTS.acmeRsa)).toMatchObject({
        state: 'distrusted',
        distrustAfter: '2025-01-01T00:00:00.000Z',
        keyCompromise: true,
      });
      copy.close();
      source.close();
    });
  });
});
