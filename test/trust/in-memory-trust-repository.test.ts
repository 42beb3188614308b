import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditReader, createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import {
  type Anchor,
  auditEntry,
  createInMemoryTrustRepository,
  importSeed,
  type SeedVendor,
  type TrustRepository,
  type Vendor,
} from '../../src/trust';
import { FIXTURE_TRUST_STORE, MIGRATIONS } from '../helpers/test-app';
import { ROOTS } from './helpers/admin-client';

const FIRST = new Date('2026-06-01T00:00:00Z');
const LATER = new Date('2026-06-02T00:00:00Z');

/** The CMS fixture store with acme's vendor.json set to `file`. */
async function seedWith(file: object): Promise<SeedVendor[]> {
  const seed = await readTrustStoreDir(FIXTURE_TRUST_STORE);
  const acme = seed.find((v) => v.id === 'acme');
  if (!acme) throw new Error('no acme in the fixture store');
  acme.vendorJson = JSON.stringify(file);
  return seed;
}

/** Distrusts one root from a date, another for key compromise, and requires revocation information. */
const NARROWING = {
  revocationPolicy: 'require',
  roots: {
    [ROOTS.acmeRsa]: { distrustAfter: '2025-01-01T00:00:00Z' },
    [ROOTS.acmeP256]: { keyCompromise: true },
  },
};

async function contents(trust: TrustRepository) {
  const vendors = await trust.listVendors();
  const anchors: Anchor[] = [];
  for (const v of vendors) anchors.push(...(await trust.listAnchors(v.id)));
  return { vendors, anchors, storeVersion: await trust.storeVersion() };
}

let opened: Awaited<ReturnType<typeof openLibsqlDatabase>>;
beforeEach(async () => {
  opened = await openLibsqlDatabase(':memory:', MIGRATIONS);
});
afterEach(() => opened.close());

describe('createInMemoryTrustRepository', () => {
  describe('when a seed with distrustAfter, keyCompromise and revocationPolicy is imported into it and into libSQL', () => {
    it('holds the same vendors, roots and store version, reports the same and audits the same', async () => {
      const memory = createInMemoryTrustRepository();
      const db = createTrustRepository(opened.db);
      const memoryReport = await importSeed(memory, await seedWith(NARROWING), FIRST);
      const dbReport = await importSeed(db, await seedWith(NARROWING), FIRST);

      expect(memoryReport).toEqual(dbReport);
      expect(await contents(memory)).toEqual(await contents(db));
      expect(memory.auditEntries()).toEqual(await createAuditReader(opened.db).list({ limit: 1000 }));
      expect(await memory.getVendor('acme')).toMatchObject({ revocationPolicy: 'require' });
      expect(await memory.getAnchor('acme', ROOTS.acmeRsa)).toMatchObject({
        state: 'distrusted',
        distrustAfter: '2025-01-01T00:00:00.000Z',
        keyCompromise: false,
      });
      expect(await memory.getAnchor('acme', ROOTS.acmeP256)).toMatchObject({
        state: 'distrusted',
        distrustAfter: FIRST.toISOString(),
        keyCompromise: true,
      });
    });
  });

  describe('when a plain seed is imported first and the narrowing vendor.json later', () => {
    it('narrows the stored roots and policy as libSQL does', async () => {
      const memory = createInMemoryTrustRepository();
      const db = createTrustRepository(opened.db);
      for (const trust of [memory, db]) await importSeed(trust, await seedWith({}), FIRST);
      const memoryReport = await importSeed(memory, await seedWith(NARROWING), LATER);
      const dbReport = await importSeed(db, await seedWith(NARROWING), LATER);

      expect(memoryReport.distrusted).toHaveLength(2);
      expect(memoryReport.revocationRequired).toEqual(['acme']);
      expect(memoryReport).toEqual(dbReport);
      expect(await contents(memory)).toEqual(await contents(db));
      expect(memory.auditEntries()).toEqual(await createAuditReader(opened.db).list({ limit: 1000 }));
    });
  });

  describe('when the same seed is imported a second time', () => {
    it('changes nothing: no vendor, root, store version or audit entry moves', async () => {
      const memory = createInMemoryTrustRepository();
      await importSeed(memory, await seedWith(NARROWING), FIRST);
      const before = { ...(await contents(memory)), audit: memory.auditEntries() };

      const again = await importSeed(memory, await seedWith(NARROWING), LATER);

      expect(again).toMatchObject({
        vendorsCreated: [],
        anchorsAdded: [],
        conflicts: [],
        distrusted: [],
        vendorConflicts: [],
        revocationRequired: [],
      });
      expect({ ...(await contents(memory)), audit: memory.auditEntries() }).toEqual(before);
    });
  });

  describe('when an update names a version that is no longer stored', () => {
    it('returns false and writes neither the row, the audit entry nor a new store version', async () => {
      const memory = createInMemoryTrustRepository();
      await importSeed(memory, await seedWith({}), FIRST);
      const vendor = (await memory.getVendor('acme')) as Vendor;
      const anchor = (await memory.getAnchor('acme', ROOTS.acmeRsa)) as Anchor;
      const version = await memory.storeVersion();
      const audited = memory.auditEntries().length;
      const entry = memory.auditEntries()[0];
      if (!entry) throw new Error('the import audited nothing');

      expect(await memory.updateVendor({ ...vendor, name: 'x', version: 9 }, vendor.version + 1)).toBe(false);
      expect(
        await memory.updateVendorAudited({ ...vendor, name: 'x', version: 9 }, vendor.version - 1, entry),
      ).toBe(false);
      expect(
        await memory.updateAnchorAudited(
          { ...anchor, state: 'retired', version: 9 },
          anchor.version + 1,
          entry,
        ),
      ).toBe(false);

      expect(await memory.getVendor('acme')).toEqual(vendor);
      expect(await memory.getAnchor('acme', ROOTS.acmeRsa)).toEqual(anchor);
      expect(await memory.storeVersion()).toBe(version);
      expect(memory.auditEntries()).toHaveLength(audited);
    });

    it('writes, audits and moves the store version when the version is current', async () => {
      const memory = createInMemoryTrustRepository();
      await importSeed(memory, await seedWith({}), FIRST);
      const vendor = (await memory.getVendor('acme')) as Vendor;
      const version = await memory.storeVersion();
      const entry = auditEntry(
        'vendor.update',
        { type: 'vendor', id: 'acme', vendorId: 'acme' },
        { actor: 'test', at: LATER },
      );

      const renamed = { ...vendor, name: 'Acme', version: vendor.version + 1 };
      expect(await memory.updateVendorAudited(renamed, vendor.version, entry)).toBe(true);
      expect(await memory.getVendor('acme')).toEqual(renamed);
      expect(await memory.storeVersion()).toBe(version + 1);
      expect(memory.auditEntries().at(-1)).toEqual({ ...entry, id: memory.auditEntries().length });
    });
  });

  describe('when a vendor or root is inserted a second time', () => {
    it('throws as a taken primary key does, and audits nothing', async () => {
      const memory = createInMemoryTrustRepository();
      await importSeed(memory, await seedWith({}), FIRST);
      const vendor = (await memory.getVendor('acme')) as Vendor;
      const anchor = (await memory.getAnchor('acme', ROOTS.acmeRsa)) as Anchor;
      const entry = memory.auditEntries()[0];
      if (!entry) throw new Error('the import audited nothing');
      const audited = memory.auditEntries().length;

      await expect(memory.insertVendorAudited(vendor, entry)).rejects.toThrow(/UNIQUE/);
      await expect(memory.insertAnchorAudited(anchor, entry)).rejects.toThrow(/UNIQUE/);
      await expect(memory.insertAnchor({ ...anchor, vendorId: 'nobody' })).rejects.toThrow(/FOREIGN KEY/);
      expect(memory.auditEntries()).toHaveLength(audited);
    });
  });

  describe('when a caller changes what it read', () => {
    it('leaves the stored vendor and root as they were', async () => {
      const memory = createInMemoryTrustRepository();
      await importSeed(memory, await seedWith({}), FIRST);
      const vendor = (await memory.getVendor('acme')) as Vendor;
      const [anchor] = await memory.listAnchors('acme');
      if (!anchor) throw new Error('no acme root');
      vendor.identityRules.push({ subject: 'anyone' });
      anchor.state = 'active';
      anchor.distrustAfter = '1999-01-01T00:00:00.000Z';
      anchor.der[0] = 0;

      expect((await memory.getVendor('acme'))?.identityRules).toEqual([]);
      const stored = await memory.getAnchor('acme', anchor.sha256);
      expect(stored?.distrustAfter).toBeNull();
      expect(stored?.der[0]).toBe(0x30);
    });
  });
});
