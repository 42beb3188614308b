import { describe, expect, it, vi } from 'vitest';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { cacheTrustReads, readVendorSnapshot } from '../../src/services/store-version-cache';
import { type Anchor, importSeed, type TrustRepository, type Vendor } from '../../src/trust';
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

  describe('when more vendors are read than it keeps', () => {
    it('drops the least recently used one, not the first read', async () => {
      const trust = await seeded();
      const getVendor = vi.spyOn(trust, 'getVendor');
      const cached = cacheTrustReads(trust, 2);
      await cached.getVendor('acme');
      await cached.getVendor('globex');
      await cached.getVendor('acme'); // used again: now the most recent
      await cached.getVendor('nobody'); // a third: globex goes
      getVendor.mockClear();
      await cached.getVendor('acme');
      expect(getVendor).not.toHaveBeenCalled();
      await cached.getVendor('globex');
      expect(getVendor).toHaveBeenCalledTimes(1);
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

  describe('when database answers come back out of order (D1, remote libSQL)', () => {
    it('never serves a request data older than the version it read (regression: a distrusted root was served active)', async () => {
      let dbVersion = 5;
      let rootState: Anchor['state'] = 'active';
      const pending: Array<{ name: string; resolve: () => void }> = [];
      let tag = '';
      const later = <T>(name: string, value: () => T) =>
        new Promise<T>((resolve) => pending.push({ name, resolve: () => resolve(value()) }));
      const settle = async () => {
        for (let i = 0; i < 50; i++) await Promise.resolve();
      };
      const release = async (name: string) => {
        const i = pending.findIndex((p) => p.name === name);
        if (i < 0) throw new Error(`nothing pending as ${name}`);
        pending.splice(i, 1)[0]?.resolve();
        await settle();
      };
      const vendor = (id: string): Vendor => ({
        id,
        name: id,
        contacts: [],
        identityRules: [],
        revocationPolicy: 'best-effort',
        version: 1,
        createdAt: '',
        updatedAt: '',
      });
      const anchor = (state: Anchor['state']) =>
        ({ vendorId: 'acme', sha256: 'r', der: new Uint8Array([1]), state }) as Anchor;
      // What each read returns is what the database held when it was asked.
      const fake = {
        storeVersion: () => {
          const v = dbVersion;
          return later(`version:${tag}`, () => v);
        },
        getVendor: (id: string) => later(`vendor:${tag}`, () => vendor(id)),
        listAnchors: () => {
          const state = rootState;
          return later(`anchors:${tag}`, () => [anchor(state)]);
        },
      } as unknown as TrustRepository;
      const cached = cacheTrustReads(fake);

      tag = 'D';
      const d = readVendorSnapshot(cached, 'acme');
      await settle();
      await release('version:D');
      await release('vendor:D'); // D's anchors read is now in flight, before the distrust
      tag = 'E';
      const e = readVendorSnapshot(cached, 'other'); // E's version read is asked before the distrust
      await settle();
      dbVersion = 6; // the distrust commits
      rootState = 'distrusted';
      tag = 'A';
      const a = readVendorSnapshot(cached, 'acme'); // A starts after the distrust
      await settle();
      await release('version:A');
      await release('version:E'); // E's old version answer arrives late
      await release('anchors:D'); // and D's pre-distrust anchors
      await release('vendor:A');
      if (pending.some((p) => p.name === 'anchors:A')) await release('anchors:A');
      expect((await a).anchors.map((x) => x.state)).toEqual(['distrusted']);
      while (pending.length > 0) {
        pending.shift()?.resolve();
        await settle();
      }
      await Promise.all([d, e]);
    });
  });
});
