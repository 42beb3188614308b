import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One SQLite schema for D1 at the edge and libSQL on Node; migrations in ./migrations come from it. */

export const vendors = sqliteTable('vendors', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: escalation contacts on file [{name, channel, value}]. */
  contacts: text('contacts', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
  /** JSON: signer identity rules. */
  identityRules: text('identity_rules', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
  /** best-effort | require: what missing revocation information does to the vendor's verdicts. */
  revocationPolicy: text('revocation_policy').notNull().default('best-effort'),
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
    /** root | signer (a pinned signer certificate: trust/model.ts) */
    kind: text('kind').notNull().default('root'),
    distrustAfter: text('distrust_after'),
    /** Distrusted for key compromise: anchors no signature whatever the dates (trust/model.ts). */
    keyCompromise: integer('key_compromise', { mode: 'boolean' }).notNull().default(false),
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

/** API tokens: only the SHA-256 of the secret is kept. */
export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** admin | oncall | verifier */
    role: text('role').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('tokens_secret_hash').on(t.secretHash), uniqueIndex('tokens_name').on(t.name)],
);

/**
 * Console sign-ins (issue 18): a session is kept by the SHA-256 of its cookie value, never the value, and
 * names the token it was opened with by that token's secret hash, so a revoked token ends its sessions.
 */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    tokenSecretHash: text('token_secret_hash').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('console_sessions_expires_at').on(t.expiresAt)],
);

/** Escalation cases: one open case per vendor and unreached root key; the case body is JSON. */
export const escalationCases = sqliteTable(
  'escalation_cases',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id').notNull(),
    spkiSha256: text('spki_sha256').notNull(),
    kind: text('kind').notNull(),
    /** open | resolved */
    state: text('state').notNull(),
    data: text('data', { mode: 'json' }).notNull(),
    version: integer('version').notNull().default(1),
    openedAt: text('opened_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('escalation_open_per_root')
      .on(t.vendorId, t.spkiSha256, t.kind)
      .where(sql`${t.state} = 'open'`),
    index('escalation_vendor_state').on(t.vendorId, t.state),
  ],
);

/**
 * The opening budget of escalation cases: `slot` 0..N-1 per vendor and budgeted kind, each holding when it
 * was last claimed. A new case claims a slot whose claim left the window (src/escalation/opening-budget.ts).
 */
export const escalationOpeningSlots = sqliteTable(
  'escalation_opening_slots',
  {
    vendorId: text('vendor_id').notNull(),
    kind: text('kind').notNull(),
    slot: integer('slot').notNull(),
    claimedAt: text('claimed_at').notNull(),
    /** The root (`caseRoot`) the claim was made for: it needs no second slot within the window. */
    root: text('root').notNull(),
    /** The case the claim was made for (it may have lost a race to an identical case and never opened). */
    caseId: text('case_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.vendorId, t.kind, t.slot] })],
);

/** Advisory feeds subscribed per vendor, with their fetch state. */
export const feeds = sqliteTable(
  'feeds',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    url: text('url').notNull(),
    /** JSON: the pure domain's feed state (etag, lastModified, failures, nextPollAt, disabled, ...). */
    state: text('state', { mode: 'json' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('feeds_vendor_url').on(t.vendorId, t.url)],
);

/** Feed items as last seen, with the content hash that tells an edit. */
export const advisoryItems = sqliteTable(
  'advisory_items',
  {
    feedId: text('feed_id').notNull(),
    guid: text('guid').notNull(),
    vendorId: text('vendor_id').notNull(),
    contentHash: text('content_hash').notNull(),
    /** JSON: title, link, published, extracted fingerprints/PEMs/links, edit history flags. */
    data: text('data', { mode: 'json' }).notNull(),
    firstSeen: text('first_seen').notNull(),
    lastSeen: text('last_seen').notNull(),
  },
  (t) => [primaryKey({ columns: [t.feedId, t.guid] }), index('advisory_vendor').on(t.vendorId)],
);

/** Roots that advisories announced: never trusted by themselves. */
export const candidates = sqliteTable(
  'candidates',
  {
    vendorId: text('vendor_id').notNull(),
    /** SHA-256 of the certificate, or of nothing when only a fingerprint was announced (then `fingerprint`). */
    key: text('key').notNull(),
    sha256: text('sha256'),
    spkiSha256: text('spki_sha256'),
    sha1: text('sha1'),
    der: blob('der', { mode: 'buffer' }).$type<Uint8Array>(),
    subject: text('subject'),
    corroborated: integer('corroborated', { mode: 'boolean' }).notNull().default(false),
    /** JSON: provenance entries (feed, item, time, content hash). */
    data: text('data', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.vendorId, t.key] }),
    index('candidates_sha256').on(t.sha256),
    index('candidates_spki').on(t.spkiSha256),
  ],
);

/**
 * CRLs an admin uploaded or the service fetched, per vendor. Every one is kept (no newest-N across the
 * vendor); verification reads the active ones of the issuers on a validated path (`crls_vendor_issuer`).
 * Retiring one takes two admins: `retire_*` hold the pending proposal, `retired_*` its approval.
 */
export const crls = sqliteTable(
  'crls',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id').notNull(),
    /** Display form of the CRL issuer's name. */
    issuer: text('issuer').notNull(),
    /**
     * Canonical form of the CRL issuer's name (equals `issuerCanonical` of the certificates it covers).
     * Null only on rows stored before 0004, until the repository fills it in from the DER.
     */
    issuerKey: text('issuer_key'),
    der: blob('der', { mode: 'buffer' }).$type<Uint8Array>().notNull(),
    /** CRLNumber, hex of the INTEGER's content. */
    crlNumber: text('crl_number'),
    /** BaseCRLNumber (hex) when this is a delta CRL. */
    deltaOf: text('delta_of'),
    thisUpdate: text('this_update').notNull(),
    nextUpdate: text('next_update'),
    /** Number of revokedCertificates entries. */
    entries: integer('entries'),
    source: text('source').notNull(),
    /** The admin who uploaded it (null for fetched CRLs). */
    uploadedBy: text('uploaded_by'),
    createdAt: text('created_at').notNull(),
    /** active | retired */
    state: text('state').notNull().default('active'),
    retireReason: text('retire_reason'),
    retireProposedBy: text('retire_proposed_by'),
    retireProposedAt: text('retire_proposed_at'),
    retiredBy: text('retired_by'),
    retiredAt: text('retired_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('crls_vendor').on(t.vendorId),
    index('crls_vendor_issuer').on(t.vendorId, t.issuerKey),
    // Finds the rows still to fill in without reading every row (issuer_key is stored after the DER).
    index('crls_issuer_key_missing').on(t.id).where(sql`${t.issuerKey} IS NULL`),
  ],
);

/**
 * Revocations read from CRLs whose signature checked against a validated path (verify/revocation-memory.ts):
 * only ever added to, so an older or partial CRL offered later cannot undo one.
 */
export const knownRevocations = sqliteTable(
  'known_revocations',
  {
    /** Canonical name of the revoked certificate's issuer. */
    issuer: text('issuer').notNull(),
    /** Serial number, lower-case hex of the INTEGER's content. */
    serial: text('serial').notNull(),
    reasonCode: integer('reason_code'),
    revocationDate: text('revocation_date').notNull(),
    /** SHA-256 (hex) of the CRL or OCSP response it was read from. */
    evidenceSha256: text('evidence_sha256').notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.issuer, t.serial, t.evidenceSha256] }),
    index('known_revocations_certificate').on(t.issuer, t.serial),
  ],
);

/** Proposed changes to a vendor's contacts or identity rules, waiting for a second admin (trust/vendor-changes). */
export const vendorChanges = sqliteTable(
  'vendor_changes',
  {
    id: text('id').primaryKey(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    /** pending | approved | withdrawn */
    state: text('state').notNull(),
    baseVersion: integer('base_version').notNull(),
    /** JSON: the fields to change ({name?, contacts?, identityRules?}). */
    changes: text('changes', { mode: 'json' }).notNull(),
    reason: text('reason').notNull(),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: text('proposed_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
  },
  (t) => [index('vendor_changes_vendor').on(t.vendorId)],
);
