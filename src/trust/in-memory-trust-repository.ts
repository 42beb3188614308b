import { type Anchor, type AuditEntry, type AuditRecord, anchorKind, type Vendor } from './model';
import type { TrustRepository } from './ports';
import type { VendorChange } from './vendor-changes';

/** A trust store held in Maps, and the audit log it wrote (oldest first, ids from 1 as the database's). */
export interface InMemoryTrustRepository extends TrustRepository {
  auditEntries(): AuditRecord[];
}

/** The message SQLite gives, so that a caller looking for a unique violation recognises it here too. */
const taken = (what: string) => new Error(`UNIQUE constraint failed: ${what}`);
const noVendor = () => new Error('FOREIGN KEY constraint failed: no such vendor');
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The trust repository without a database, for the offline CLI (and tests): the same contract as the
 * libSQL/D1 one. Every method does its reads and writes without an await in between, so each is atomic
 * as a transaction is; values are copied in and out, so no caller can change stored state but through
 * the methods.
 */
export function createInMemoryTrustRepository(): InMemoryTrustRepository {
  const vendors = new Map<string, Vendor>();
  const anchors = new Map<string, Anchor>();
  const changes = new Map<string, VendorChange>();
  const audit: AuditRecord[] = [];
  let version = 0;

  const anchorKey = (vendorId: string, sha256: string) => `${vendorId}\u0000${sha256}`;
  const copy = <T>(value: T): T => structuredClone(value);
  const append = (entry: AuditEntry) => {
    audit.push({ ...copy(entry), id: audit.length + 1 });
  };

  const insertVendor = (vendor: Vendor) => {
    if (vendors.has(vendor.id)) throw taken('vendors.id');
    vendors.set(vendor.id, copy(vendor));
    version++;
  };
  const updateVendor = (vendor: Vendor, expectedVersion: number) => {
    if (vendors.get(vendor.id)?.version !== expectedVersion) return false;
    vendors.set(vendor.id, copy(vendor));
    version++;
    return true;
  };
  const insertAnchor = (anchor: Anchor) => {
    const key = anchorKey(anchor.vendorId, anchor.sha256);
    if (anchors.has(key)) throw taken('anchors.vendor_id, anchors.sha256');
    if (!vendors.has(anchor.vendorId)) throw noVendor();
    // As the database's column: an anchor without a kind is a root.
    anchors.set(key, copy({ ...anchor, kind: anchorKind(anchor) }));
    version++;
  };
  const updateAnchor = (anchor: Anchor, expectedVersion: number) => {
    const key = anchorKey(anchor.vendorId, anchor.sha256);
    if (anchors.get(key)?.version !== expectedVersion) return false;
    anchors.set(key, copy({ ...anchor, kind: anchorKind(anchor) }));
    version++;
    return true;
  };
  const pendingChange = (id: string) => {
    const stored = changes.get(id);
    return stored?.state === 'pending' ? stored : null;
  };
  const decide = (change: VendorChange) => {
    const stored = changes.get(change.id) as VendorChange;
    changes.set(change.id, {
      ...stored,
      state: change.state,
      decidedBy: change.decidedBy,
      decidedAt: change.decidedAt,
    });
  };
  // Oldest first as the database lists them; roots created at the same instant (one seed import) come
  // in key order there, as its primary-key index yields them, and so here: the verifier sees the same list.
  const byAge = (a: Anchor, b: Anchor) =>
    compare(a.createdAt, b.createdAt) || compare(a.vendorId, b.vendorId) || compare(a.sha256, b.sha256);
  const anchorsWhere = (keep: (anchor: Anchor) => boolean) =>
    [...anchors.values()].filter(keep).sort(byAge).map(copy);

  return {
    async getVendor(id) {
      const vendor = vendors.get(id);
      return vendor ? copy(vendor) : null;
    },
    async listVendors() {
      return [...vendors.values()].sort((a, b) => compare(a.id, b.id)).map(copy);
    },
    async insertVendor(vendor) {
      insertVendor(vendor);
    },
    async updateVendor(vendor, expectedVersion) {
      return updateVendor(vendor, expectedVersion);
    },
    async listAnchors(vendorId) {
      return anchorsWhere((a) => a.vendorId === vendorId);
    },
    async getAnchor(vendorId, sha256) {
      const anchor = anchors.get(anchorKey(vendorId, sha256));
      return anchor ? copy(anchor) : null;
    },
    async findAnchorsBySha256(sha256) {
      return anchorsWhere((a) => a.sha256 === sha256);
    },
    async insertAnchor(anchor) {
      insertAnchor(anchor);
    },
    async updateAnchor(anchor, expectedVersion) {
      return updateAnchor(anchor, expectedVersion);
    },
    async insertVendorAudited(vendor, entry) {
      insertVendor(vendor);
      append(entry);
    },
    async insertAnchorAudited(anchor, entry) {
      insertAnchor(anchor);
      append(entry);
    },
    async updateVendorAudited(vendor, expectedVersion, entry) {
      const written = updateVendor(vendor, expectedVersion);
      if (written) append(entry);
      return written;
    },
    async updateAnchorAudited(anchor, expectedVersion, entry) {
      const written = updateAnchor(anchor, expectedVersion);
      if (written) append(entry);
      return written;
    },
    async appendAudit(entry) {
      append(entry);
    },
    async insertVendorChangeAudited(change, entry) {
      if (changes.has(change.id)) throw taken('vendor_changes.id');
      if (!vendors.has(change.vendorId)) throw noVendor();
      changes.set(change.id, copy(change));
      append(entry);
    },
    async getVendorChange(vendorId, id) {
      const change = changes.get(id);
      return change?.vendorId === vendorId ? copy(change) : null;
    },
    async listVendorChanges(vendorId) {
      const newestFirst = (a: VendorChange, b: VendorChange) =>
        compare(b.proposedAt, a.proposedAt) || compare(b.id, a.id);
      return [...changes.values()]
        .filter((c) => c.vendorId === vendorId)
        .sort(newestFirst)
        .map(copy);
    },
    async approveVendorChangeAudited(change, vendor, entry) {
      if (!pendingChange(change.id) || !updateVendor(vendor, change.baseVersion)) return false;
      decide(change);
      append(entry);
      return true;
    },
    async withdrawVendorChangeAudited(change, entry) {
      if (!pendingChange(change.id)) return false;
      decide(change);
      append(entry);
      return true;
    },
    async storeVersion() {
      return version;
    },
    async bumpStoreVersion() {
      version++;
      return version;
    },
    auditEntries() {
      return audit.map(copy);
    },
  };
}
