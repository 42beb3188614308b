import { and, desc, eq, sql } from 'drizzle-orm';
import {
  type Anchor,
  type AnchorState,
  type AuditEntry,
  anchorKind,
  type Contact,
  type TrustRepository,
  type Vendor,
  type VendorRevocationPolicy,
} from '../trust';
import type { VendorChange, VendorChangeFields, VendorChangeState } from '../trust/vendor-changes';
import { writeAudited, writeWith } from './audited-write';
import type { Database } from './database';
import { anchors, auditLog, storeVersion, vendorChanges, vendors } from './schema';

type VendorRow = typeof vendors.$inferSelect;
type AnchorRow = typeof anchors.$inferSelect;

const toVendor = (row: VendorRow): Vendor => ({
  id: row.id,
  name: row.name,
  contacts: row.contacts as Contact[],
  identityRules: row.identityRules,
  // Anything but `best-effort` read back as the stricter policy: a damaged value never widens trust.
  revocationPolicy: (row.revocationPolicy === 'best-effort'
    ? 'best-effort'
    : 'require') as VendorRevocationPolicy,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const toVendorChange = (row: typeof vendorChanges.$inferSelect): VendorChange => ({
  ...row,
  state: row.state as VendorChangeState,
  changes: row.changes as VendorChangeFields,
});

const toAnchor = (row: AnchorRow): Anchor => ({
  ...row,
  der: new Uint8Array(row.der),
  state: row.state as AnchorState,
  // Anything but `signer` reads back as a root: a pin vouches for one exact certificate, and a damaged
  // value must not turn a root's row into one (nor the other way round: a root never anchors a
  // signature of its own certificate).
  kind: row.kind === 'signer' ? 'signer' : 'root',
  source: row.source as Anchor['source'],
});

// D1 returns blobs as ArrayBuffer/number[] and libSQL as ArrayBuffer; both accept a Uint8Array on write.
const anchorRow = (anchor: Anchor): AnchorRow => ({ ...anchor, kind: anchorKind(anchor), der: anchor.der });

export function createTrustRepository(db: Database): TrustRepository {
  // Every write of a vendor or an anchor moves the store version in the same transaction, so a cache
  // keyed on the version (store-version-cache.ts) can never keep serving a store that changed.
  const bump = () =>
    db
      .insert(storeVersion)
      .values({ id: 1, version: 1 })
      .onConflictDoUpdate({ target: storeVersion.id, set: { version: sql`${storeVersion.version} + 1` } });
  // Conditional writes: they change a row only while its stored version is still `expectedVersion`.
  const vendorInsert = (vendor: Vendor) => db.insert(vendors).values(vendor).returning({ id: vendors.id });
  const vendorUpdate = (vendor: Vendor, expectedVersion: number) =>
    db
      .update(vendors)
      .set({ ...vendor })
      .where(and(eq(vendors.id, vendor.id), eq(vendors.version, expectedVersion)))
      .returning({ id: vendors.id });
  const anchorInsert = (anchor: Anchor) =>
    db.insert(anchors).values(anchorRow(anchor)).returning({ sha256: anchors.sha256 });
  const anchorUpdate = (anchor: Anchor, expectedVersion: number) =>
    db
      .update(anchors)
      .set(anchorRow(anchor))
      .where(
        and(
          eq(anchors.vendorId, anchor.vendorId),
          eq(anchors.sha256, anchor.sha256),
          eq(anchors.version, expectedVersion),
        ),
      )
      .returning({ sha256: anchors.sha256 });
  // Read on every /verify: built once (drizzle otherwise rebuilds the SQL on each call).
  const versionRead = db
    .select({ version: storeVersion.version })
    .from(storeVersion)
    .where(eq(storeVersion.id, 1))
    .limit(1)
    .prepare();
  return {
    async getVendor(id) {
      const rows = await db.select().from(vendors).where(eq(vendors.id, id)).limit(1);
      return rows[0] ? toVendor(rows[0]) : null;
    },
    async listVendors() {
      return (await db.select().from(vendors).orderBy(vendors.id)).map(toVendor);
    },
    async insertVendor(vendor) {
      await writeWith(db, vendorInsert(vendor), [bump()]);
    },
    async updateVendor(vendor, expectedVersion) {
      return (await writeWith(db, vendorUpdate(vendor, expectedVersion), [bump()])).length === 1;
    },
    async listAnchors(vendorId) {
      return (
        await db.select().from(anchors).where(eq(anchors.vendorId, vendorId)).orderBy(anchors.createdAt)
      ).map(toAnchor);
    },
    async getAnchor(vendorId, sha256) {
      const rows = await db
        .select()
        .from(anchors)
        .where(and(eq(anchors.vendorId, vendorId), eq(anchors.sha256, sha256)))
        .limit(1);
      return rows[0] ? toAnchor(rows[0]) : null;
    },
    async findAnchorsBySha256(sha256) {
      return (await db.select().from(anchors).where(eq(anchors.sha256, sha256))).map(toAnchor);
    },
    async insertAnchor(anchor) {
      await writeWith(db, anchorInsert(anchor), [bump()]);
    },
    async updateAnchor(anchor, expectedVersion) {
      return (await writeWith(db, anchorUpdate(anchor, expectedVersion), [bump()])).length === 1;
    },
    async insertVendorAudited(vendor, entry) {
      await writeAudited(db, vendorInsert(vendor), entry, [bump()]);
    },
    async insertAnchorAudited(anchor, entry) {
      await writeAudited(db, anchorInsert(anchor), entry, [bump()]);
    },
    async updateVendorAudited(vendor, expectedVersion, entry) {
      return writeAudited(db, vendorUpdate(vendor, expectedVersion), entry, [bump()]);
    },
    async updateAnchorAudited(anchor, expectedVersion, entry) {
      return writeAudited(db, anchorUpdate(anchor, expectedVersion), entry, [bump()]);
    },
    async appendAudit(entry: AuditEntry) {
      await db.insert(auditLog).values(entry);
    },
    async insertVendorChangeAudited(change, entry) {
      await writeAudited(
        db,
        db.insert(vendorChanges).values(change).returning({ id: vendorChanges.id }),
        entry,
      );
    },
    async getVendorChange(vendorId, id) {
      const rows = await db
        .select()
        .from(vendorChanges)
        .where(and(eq(vendorChanges.vendorId, vendorId), eq(vendorChanges.id, id)))
        .limit(1);
      return rows[0] ? toVendorChange(rows[0]) : null;
    },
    async listVendorChanges(vendorId) {
      return (
        await db
          .select()
          .from(vendorChanges)
          .where(eq(vendorChanges.vendorId, vendorId))
          .orderBy(desc(vendorChanges.proposedAt), desc(vendorChanges.id))
      ).map(toVendorChange);
    },
    async approveVendorChangeAudited(change, vendor, entry) {
      // The vendor is written only while the change is still pending and the vendor still at the version
      // it was proposed against; the change is marked only when that write happened (changes() = 1 after
      // the audit entry, which is itself written only then), all in one batch.
      const vendorWrite = db
        .update(vendors)
        .set({ ...vendor })
        .where(
          and(
            eq(vendors.id, vendor.id),
            eq(vendors.version, change.baseVersion),
            sql`EXISTS (SELECT 1 FROM ${vendorChanges} WHERE ${vendorChanges.id} = ${change.id} AND ${vendorChanges.state} = 'pending')`,
          ),
        )
        .returning({ id: vendors.id });
      const mark = db
        .update(vendorChanges)
        .set({ state: change.state, decidedBy: change.decidedBy, decidedAt: change.decidedAt })
        .where(and(eq(vendorChanges.id, change.id), eq(vendorChanges.state, 'pending'), sql`changes() = 1`));
      return writeAudited(db, vendorWrite, entry, [mark, bump()]);
    },
    async withdrawVendorChangeAudited(change, entry) {
      const write = db
        .update(vendorChanges)
        .set({ state: change.state, decidedBy: change.decidedBy, decidedAt: change.decidedAt })
        .where(and(eq(vendorChanges.id, change.id), eq(vendorChanges.state, 'pending')))
        .returning({ id: vendorChanges.id });
      return writeAudited(db, write, entry);
    },
    async storeVersion() {
      const rows = await versionRead.all();
      return rows[0]?.version ?? 0;
    },
    async bumpStoreVersion() {
      const rows = await db
        .insert(storeVersion)
        .values({ id: 1, version: 1 })
        .onConflictDoUpdate({ target: storeVersion.id, set: { version: sql`${storeVersion.version} + 1` } })
        .returning({ version: storeVersion.version });
      return rows[0]?.version ?? 0;
    },
  };
}
