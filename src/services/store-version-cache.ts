import type { Anchor, TrustRepository, Vendor } from '../trust';

/** A vendor and its anchors, read as of one store version. */
export interface VendorSnapshot {
  vendor: Vendor | null;
  /** Empty when there is no such vendor. */
  anchors: Anchor[];
}

/** The one-version readers of the repositories `cacheTrustReads` made. */
const snapshotReaders = new WeakMap<TrustRepository, (vendorId: string) => Promise<VendorSnapshot>>();

/**
 * The reads /verify makes of the trust store (a vendor and its anchors), kept for as long as
 * `storeVersion()` does not move: one one-row read per request instead of the vendor and every anchor
 * with its DER. The repository moves the version in the same transaction as every write of a vendor or
 * an anchor, and the version is read before the data, so data read after version v is at least as new
 * as v.
 *
 * Each entry carries the version it was read under and is served only to a request that read that same
 * version; the newest version seen never goes back, and an entry is kept only while its version is still
 * the newest. So reads that come back out of order (D1, remote libSQL) cannot put data older than a
 * version a request has seen in front of that request. Entries are frozen copies shared between
 * requests; at most `maxVendors` vendors are kept (least recently used dropped). Everything else passes
 * through to the repository.
 */
export function cacheTrustReads(trust: TrustRepository, maxVendors = 1024): TrustRepository {
  let version = -1;
  const vendors = new Map<string, { v: number; value: Vendor | null }>();
  const anchors = new Map<string, { v: number; value: Anchor[] }>();

  const current = async () => {
    const v = await trust.storeVersion();
    if (v > version) {
      vendors.clear();
      anchors.clear();
      version = v;
    }
    return v;
  };
  const lookup = <T>(map: Map<string, { v: number; value: T }>, key: string, v: number) => {
    const hit = map.get(key);
    if (!hit || hit.v !== v) return undefined;
    map.delete(key);
    map.set(key, hit);
    return hit;
  };
  const remember = <T>(map: Map<string, { v: number; value: T }>, key: string, v: number, value: T) => {
    // A newer version was seen while this was read: what was read may be older than it.
    if (v !== version) return;
    map.set(key, { v, value });
    while (map.size > maxVendors) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };
  /** The vendor as of version `v` (read at the start of the caller's request). */
  const vendorAt = async (v: number, id: string): Promise<Vendor | null> => {
    const hit = lookup(vendors, id, v);
    if (hit) return hit.value;
    const vendor = await trust.getVendor(id);
    remember(vendors, id, v, vendor ? Object.freeze({ ...vendor }) : null);
    return vendor;
  };
  const anchorsAt = async (v: number, vendorId: string): Promise<Anchor[]> => {
    const hit = lookup(anchors, vendorId, v);
    if (hit) return hit.value.slice();
    const list = await trust.listAnchors(vendorId);
    remember(
      anchors,
      vendorId,
      v,
      list.map((a) => Object.freeze({ ...a })),
    );
    return list;
  };

  const cached: Pick<TrustRepository, 'getVendor' | 'listAnchors'> = {
    async getVendor(id) {
      return vendorAt(await current(), id);
    },
    async listAnchors(vendorId) {
      return anchorsAt(await current(), vendorId);
    },
  };
  const proxy = new Proxy(trust, {
    get(target, property, receiver) {
      if (property === 'getVendor' || property === 'listAnchors') return cached[property];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  snapshotReaders.set(proxy, async (vendorId) => {
    const v = await current();
    const vendor = await vendorAt(v, vendorId);
    return { vendor, anchors: vendor ? await anchorsAt(v, vendor.id) : [] };
  });
  return proxy;
}

/**
 * A vendor and its anchors. Through a repository `cacheTrustReads` made, both are as of one store-version
 * read (one one-row query per request instead of one per read); any other repository is read directly.
 */
export async function readVendorSnapshot(trust: TrustRepository, vendorId: string): Promise<VendorSnapshot> {
  const read = snapshotReaders.get(trust);
  if (read) return read(vendorId);
  const vendor = await trust.getVendor(vendorId);
  return { vendor, anchors: vendor ? await trust.listAnchors(vendor.id) : [] };
}
