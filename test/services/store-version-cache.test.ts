import { describe, expect, it, vi } from 'vitest';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { cacheTrustReads, readVendorSnapshot } from '../../src/services/store-version-cache';
import { importSeed } from '../../src/trust';
import { FIXTURE_TRUST_STORE, MIGRATIONS } from '../helpers/test-app';

async function seeded() {
  const { db } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const trust = createTrustRepository(db);
  await importSeed(trust, await readTrustStoreDir(FIXTURE_TRUST_STORE), new Date('2026-06-01T00:00:00Z'));
  return trust;
}

describe('trust reads cached by store version', () => {
  describe('while the store version stays', () => {
    it('reads the vendor and its anchors once', async () => {
      const trust = await seeded();
      const listAnchors = vi.spyOn(trust, 'listAnchors');
      const getVendor = vi.spyOn(trust, 'getVendor');
      const cached = cacheTrustReads(trust);
      const first = await cached.listAnchors('acme');
      const second = await cached.listAnchors('acme');
      expect(second.map((a) => a.sha256)).toEqual(first.map((a) => a.sha256));
      expect((await cached.getVendor('acme'))?.id).toBe('acme');
      expect((await cached.getVendor('acme'))?.id).toBe('acme');
      expect(await cached.getVendor('nobody')).toBeNull();
      expect(await cached.getVendor('nobody')).toBeNull();
      expect(listAnchors).toHaveBeenCalledTimes(1);
      expect(getVendor).toHaveBeenCalledTimes(2);
    });
  });

  describe('when the store changes', () => {
    it('reads again after the version is bumped: a distrusted root is seen at once', async () => {
      const trust = await seeded();
      const cached = cacheTrustReads(trust);
      const [anchor] = await cached.listAnchors('acme');
      if (!anchor) throw new Error('no anchor');
      const updated = { ...anchor, state: 'retired' as const, version: anchor.version + 1 };
      expect(await trust.updateAnchor(updated, anchor.version)).toBe(true);
      await trust.bumpStoreVersion();
      const after = await cached.listAnchors('acme');
      expect(after.find((a) => a.sha256 === anchor.sha256)?.state).toBe('retired');
    });
  });

  describe('a vendor snapshot (what /verify reads)', () => {
    it('reads the store version once per request, and sees a change on the next one', async () => {
      const trust = await seeded();
      const storeVersion = vi.spyOn(trust, 'storeVersion');
      const cached = cacheTrustReads(trust);
      const first = await readVendorSnapshot(cached, 'acme');
      expect(first.vendor?.id).toBe('acme');
      expect(first.anchors.length).toBeGreaterThan(0);
      expect(storeVersion).toHaveBeenCalledTimes(1);
      await readVendorSnapshot(cached, 'acme');
      expect(storeVersion).toHaveBeenCalledTimes(2);

      const [anchor] = first.anchors;
      if (!anchor) throw new Error('no anchor');
      const updated = { ...anchor, state: 'distrusted' as const, version: anchor.version + 1 };
      expect(await trust.updateAnchor(updated, anchor.version)).toBe(true);
      await trust.bumpStoreVersion();
      const after = await readVendorSnapshot(cached, 'acme');
      expect(after.anchors.find((a) => a.sha256 === anchor.sha256)?.state).toBe('distrusted');
      expect(await readVendorSnapshot(cached, 'nobody')).toEqual({ vendor: null, anchors: [] });
    });

    it('reads an uncached repository directly', async () => {
      const trust = await seeded();
      const snapshot = await readVendorSnapshot(trust, 'acme');
      expect(snapshot.anchors.map((a) => a.sha256)).toEqual(
        (await trust.listAnchors('acme')).map((a) => a.sha256),
      );
    });
  });

  describe('everything else', () => {
    it('passes through to the repository', async () => {
      const trust = await seeded();
      const cached = cacheTrustReads(trust);
      expect((await cached.listVendors()).map((v) => v.id)).toEqual(
        (await trust.listVendors()).map((v) => v.id),
      );
      expect(await cached.storeVersion()).toBe(await trust.storeVersion());
    });
  });
});
