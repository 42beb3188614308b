import { describe, expect, it } from 'vitest';
import type { EscalationCase } from '../../src/escalation';
import { activeRootsEverywhere } from '../../src/services/escalations';
import { caseSurroundings } from '../../src/services/escalations/surroundings';
import type { Anchor, Vendor } from '../../src/trust';

const vendor = (id: string) => ({ id, name: `${id} Inc.` }) as Vendor;
const anchor = (vendorId: string, n: string, state: Anchor['state'] = 'active', kind = 'root') =>
  ({
    vendorId,
    sha256: n.repeat(64),
    spkiSha256: `${n}f`.repeat(32),
    subject: `CN=${vendorId} Root ${n}`,
    state,
    kind,
  }) as Anchor;

/** A trust store of three vendors that counts its reads; `version` moves when the test says so. */
function fakeTrust() {
  const store = {
    version: 1,
    reads: 0,
    anchors: {
      acme: [anchor('acme', 'a')],
      globex: [
        anchor('globex', 'b'),
        anchor('globex', 'c', 'retired'),
        anchor('globex', 'd', 'active', 'signer'),
      ],
      initech: [anchor('initech', 'e', 'pending')],
    } as Record<string, Anchor[]>,
  };
  return {
    store,
    trust: {
      storeVersion: async () => store.version,
      listVendors: async () => {
        store.reads++;
        return Object.keys(store.anchors).map(vendor);
      },
      listAnchors: async (id: string) => {
        store.reads++;
        return store.anchors[id] ?? [];
      },
    },
  };
}

const unknownCase = (top: Partial<EscalationCase['top']>, kind: EscalationCase['kind'] = 'unknown-root') =>
  ({
    id: 'esc_1',
    kind,
    vendorId: 'acme',
    top: { sha256: '0'.repeat(64), spkiSha256: '1'.repeat(64), subject: 'CN=Top', ...top },
  }) as EscalationCase;

describe('case surroundings', () => {
  describe('when the top certificate is, shares a key with, or names another vendor’s active root', () => {
    it('lists that vendor with how the chain reaches it, never the case’s own vendor, a retired root or a pinned signer', async () => {
      const { trust } = fakeTrust();
      const activeRoots = activeRootsEverywhere(trust);
      const of = async (top: Partial<EscalationCase['top']>) =>
        (await caseSurroundings({ activeRoots }, unknownCase(top)))?.otherVendorRoots.map((r) => [
          r.vendorId,
          r.match,
        ]);
      expect(await of({ sha256: 'b'.repeat(64) })).toEqual([['globex', 'certificate']]);
      expect(await of({ spkiSha256: 'bf'.repeat(32) })).toEqual([['globex', 'key']]);
      expect(await of({ issuer: 'CN=globex Root b' })).toEqual([['globex', 'issuer']]);
      expect(await of({ sha256: 'a'.repeat(64) })).toEqual([]); // acme's own
      expect(await of({ sha256: 'c'.repeat(64) })).toEqual([]); // retired
      expect(await of({ sha256: 'd'.repeat(64) })).toEqual([]); // a pinned signer
      expect(await of({ sha256: 'e'.repeat(64) })).toEqual([]); // pending
      expect(await of({ subject: 'CN=globex Root b', issuer: 'CN=globex Root b' })).toEqual([]); // self-issued
    });

    it('looks only for unknown-root cases', async () => {
      const { trust } = fakeTrust();
      const s = await caseSurroundings(
        { activeRoots: activeRootsEverywhere(trust) },
        unknownCase({ sha256: 'b'.repeat(64) }, 'distrusted-root'),
      );
      expect(s).toEqual({ otherVendorRoots: [], feedsOnFile: null });
    });
  });

  describe('when many cases are rendered while the trust store stays the same', () => {
    it('reads every vendor once per store version, not once per render', async () => {
      const { store, trust } = fakeTrust();
      const activeRoots = activeRootsEverywhere(trust);
      for (let i = 0; i < 10; i++) await activeRoots();
      expect(store.reads).toBe(4); // the vendor list and three vendors' anchors
      store.anchors.initech = [anchor('initech', 'e')];
      store.version = 2;
      expect((await activeRoots()).map((r) => r.vendorId)).toEqual(['acme', 'globex', 'initech']);
      expect(store.reads).toBe(8);
    });
  });

  describe('when the feed count is known', () => {
    it('says how many feeds the vendor has, and null without a feed store', async () => {
      const c = unknownCase({});
      expect(await caseSurroundings({ feedCount: async () => 0 }, c)).toEqual({
        otherVendorRoots: [],
        feedsOnFile: 0,
      });
      expect(await caseSurroundings({}, c)).toBeUndefined();
    });
  });
});
