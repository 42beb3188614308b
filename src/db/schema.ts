import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One SQLite schema for D1 at the edge and libSQL on Node; migrations in ./migrations come from it. */

export const vendors = sqliteTable('vendors', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: escalation contacts on file [{name, channel, value}]. */
  contacts: text('contacts', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
  /** JSON: signer identity rules. */
  identityRules: text('identity_rules', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
  version: integer('version').notNull().default(1),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const anchors = sqliteTable(
  'anchors',
  {
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    sha256: text('sha256').notNull(),
    spkiSha256: text('spki_sha256').notNull(),
    subject: text('subject').notNull(),
    der: blob('der', { mode: 'buffer' }).$type<Uint8Array>().notNull(),
    notBefore: text('not_before').notNull(),
    notAfter: text('not_after').notNull(),
    /** pending | active | distrusted | retired */
    state: text('state').notNull(),
    distrustAfter: text('distrust_after'),
    /** seed | api */
    source: text('source').notNull(),
    proposedBy: text('proposed_by'),
    approvedBy: text('approved_by'),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.vendorId, t.sha256] }),
    index('anchors_sha256').on(t.sha256),
    index('anchors_spki').on(t.spkiSha256),
  ],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    vendorId: text('vendor_id'),
    reason: text('reason'),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
  },
  (t) => [
    index('audit_vendor').on(t.vendorId),
    index('audit_target').on(t.targetId),
    index('audit_at').on(t.at),
  ],
);

/** A counter bumped on every trust-store change, so caches can key on the store's version. */
export const storeVersion = sqliteTable('store_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
});
