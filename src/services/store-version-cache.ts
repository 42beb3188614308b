import type { Anchor, TrustRepository, Vendor } from '../trust';

/**
 * The reads /verify makes of the trust store (a vendor and its anchors), kept for as long as
 * `storeVersion()` does not move: one one-row read per request instead of the vendor and every anchor
 * with its DER. The repository moves the version in the same transaction as every write of a vendor or
 * an anchor, and the version is read before the data, so a request never sees data older than the
 * version it read. Entries are frozen copies shared between requests; at most `maxVendors` vendors are kept
 * (least recently used dropped). Everything else passes through to the repository.
 */
export function cacheTrustReads(trust: TrustRepository, maxVendors = 1024): TrustRepository {
  let version = -1;
  const vendors = new Map<string, Vendor | null>();
  const anchors = new Map<string, Anchor[]>();

  const current = async () => {
    const v = await trust.storeVersion();
    if (v !== version) {
      vendors.clear();
      anchors.clear();
      version = v;
    }
    return v;
  };
  const remember = <T>(map: Map<string, T>, key: string, value: T) => {
    map.set(key, value);
    while (map.size > maxVendors) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };

  const cached: Pick<TrustRepository, 'getVendor' | 'listAnchors'> = {
    async getVendor(id) {
      const v = await current();
      if (vendors.has(id)) return vendors.get(id) ?? null;
      const vendor = await trust.getVendor(id);
      // Only when nothing moved while reading: otherwise the next request reads again.
      if (v === version) remember(vendors, id, vendor ? Object.freeze({ ...vendor }) : null);
      return vendor;
    },
    async listAnchors(vendorId) {
      const v = await current();
      const hit = anchors.get(vendorId);
      if (hit) return hit.slice();
      const list = await trust.listAnchors(vendorId);
      if (v === version)
        remember(
          anchors,
          vendorId,
          list.map((a) => Object.freeze({ ...a })),
        );
      return list;
    },
  };
  return new Proxy(trust, {
    get(target, property, receiver) {
      if (property === 'getVendor' || property === 'listAnchors') return cached[property];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
