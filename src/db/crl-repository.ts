import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type CrlRecord, type CrlRepository, type CrlSummary, MAX_CRLS_PER_ISSUER } from '../trust';
import type { CrlState } from '../trust/crl-retirement';
import { describeStoredCrl } from '../verify/crl-upload';
import { writeAudited } from './audited-write';
import type { Database } from './database';
import { crls } from './schema';

/** Rows filled in per round by the start-up step (each holds a whole CRL). */
const FILL_BATCH = 16;

const summaryColumns = {
  id: crls.id,
  vendorId: crls.vendorId,
  issuer: crls.issuer,
  issuerKey: crls.issuerKey,
  crlNumber: crls.crlNumber,
  deltaOf: crls.deltaOf,
  thisUpdate: crls.thisUpdate,
  nextUpdate: crls.nextUpdate,
  entries: crls.entries,
  source: crls.source,
  uploadedBy: crls.uploadedBy,
  createdAt: crls.createdAt,
  state: crls.state,
  retireReason: crls.retireReason,
  retireProposedBy: crls.retireProposedBy,
  retireProposedAt: crls.retireProposedAt,
  retiredBy: crls.retiredBy,
  retiredAt: crls.retiredAt,
  version: crls.version,
};

type SummaryRow = { [K in keyof typeof summaryColumns]: (typeof crls.$inferSelect)[K] };

const toSummary = (row: SummaryRow): CrlSummary => ({
  id: row.id,
  vendorId: row.vendorId,
  sha256: row.id.slice(row.vendorId.length + 1),
  issuer: row.issuer,
  issuerKey: row.issuerKey,
  crlNumber: row.crlNumber,
  deltaOf: row.deltaOf,
  thisUpdate: row.thisUpdate,
  nextUpdate: row.nextUpdate,
  entries: row.entries,
  source: row.source as CrlSummary['source'],
  uploadedBy: row.uploadedBy,
  createdAt: row.createdAt,
  state: row.state as CrlState,
  retirement:
    row.retireProposedBy && row.retireProposedAt
      ? {
          reason: row.retireReason ?? '',
          proposedBy: row.retireProposedBy,
          proposedAt: row.retireProposedAt,
          approvedBy: row.retiredBy,
          approvedAt: row.retiredAt,
        }
      : null,
  version: row.version,
});

/**
 * Rows stored before migration 0004 lack the issuer key, CRL number and entry count, which only the DER
 * holds (SQL cannot parse it): they are filled in here, once per repository, before its first read. A row
 * whose DER no longer reads as a usable CRL gets the issuer key '' (no canonical name is empty: the
 * canonical form is a JSON array), so it is listed but never consulted, and not read again.
 */
async function fillMissingFields(db: Database): Promise<void> {
  for (;;) {
    const rows = await db
      .select({ id: crls.id, der: crls.der })
      .from(crls)
      .where(isNull(crls.issuerKey))
      .limit(FILL_BATCH);
    if (rows.length === 0) return;
    for (const row of rows) {
      const described = describeStoredCrl(new Uint8Array(row.der));
      await db
        .update(crls)
        .set(
          described
            ? {
                issuerKey: described.issuerKey,
                crlNumber: described.crlNumber,
                deltaOf: described.deltaOf,
                entries: described.entries,
              }
            : { issuerKey: '' },
        )
        .where(and(eq(crls.id, row.id), isNull(crls.issuerKey)));
    }
  }
}

/**
 * The DER of a vendor's active CRLs whose issuer is in a JSON array of issuer keys, newest first, at most
 * MAX_CRLS_PER_ISSUER for each issuer asked about. One bound for all instead of one per issuer (a window
 * function cost more than the rest of a verification): an issuer whose CRLs crowd another's out has more
 * than a verification reads, which fails the verification anyway (verify/path-revocation.ts).
 */
function prepareNewestForIssuers(db: Database) {
  return db
    .select({ der: crls.der })
    .from(crls)
    .where(
      and(
        eq(crls.vendorId, sql.placeholder('vendorId')),
        eq(crls.state, 'active'),
        sql`${crls.issuerKey} IN (SELECT value FROM json_each(${sql.placeholder('issuers')}))`,
      ),
    )
    .orderBy(desc(crls.thisUpdate), crls.id)
    .limit(sql.placeholder('limit'))
    .prepare();
}

export function createCrlRepository(db: Database): CrlRepository {
  const newestForIssuers = prepareNewestForIssuers(db);
  let filled: Promise<void> | null = null;
  // A failed fill is tried again by the next read (and that read fails too: a CRL left without its issuer
  // key would silently not be consulted).
  const ready = () => {
    filled ??= fillMissingFields(db).catch((error) => {
      filled = null;
      throw error;
    });
    return filled;
  };

  return {
    async has(vendorId, id) {
      const rows = await db
        .select({ id: crls.id, vendorId: crls.vendorId })
        .from(crls)
        .where(eq(crls.id, id));
      return rows.some((r) => r.vendorId === vendorId);
    },

    async insertAudited(record: CrlRecord, entry) {
      const { retirement, sha256: _sha256, ...columns } = record;
      // A concurrent upload of the same CRL loses quietly: it is already stored, and audited once.
      const write = db
        .insert(crls)
        .values({
          ...columns,
          retireReason: retirement?.reason ?? null,
          retireProposedBy: retirement?.proposedBy ?? null,
          retireProposedAt: retirement?.proposedAt ?? null,
          retiredBy: retirement?.approvedBy ?? null,
          retiredAt: retirement?.approvedAt ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: crls.id });
      return writeAudited(db, write, entry);
    },

    async get(vendorId, id) {
      await ready();
      const rows = await db
        .select(summaryColumns)
        .from(crls)
        .where(and(eq(crls.id, id), eq(crls.vendorId, vendorId)));
      return rows[0] ? toSummary(rows[0]) : null;
    },

    async list(vendorId, limit) {
      await ready();
      const rows = await db
        .select(summaryColumns)
        .from(crls)
        .where(eq(crls.vendorId, vendorId))
        .orderBy(desc(crls.createdAt), desc(crls.thisUpdate), crls.id)
        .limit(limit);
      return rows.map(toSummary);
    },

    async listForIssuers(vendorId, issuers) {
      const wanted = [...new Set(issuers)];
      if (wanted.length === 0) return [];
      await ready();
      const rows = await newestForIssuers.all({
        vendorId,
        issuers: JSON.stringify(wanted),
        limit: MAX_CRLS_PER_ISSUER * wanted.length,
      });
      return rows.map((row) => new Uint8Array(row.der));
    },

    async updateRetirementAudited(next, expectedVersion, entry) {
      const write = db
        .update(crls)
        .set({
          state: next.state,
          retireReason: next.retirement?.reason ?? null,
          retireProposedBy: next.retirement?.proposedBy ?? null,
          retireProposedAt: next.retirement?.proposedAt ?? null,
          retiredBy: next.retirement?.approvedBy ?? null,
          retiredAt: next.retirement?.approvedAt ?? null,
          version: next.version,
        })
        .where(and(eq(crls.id, next.id), eq(crls.vendorId, next.vendorId), eq(crls.version, expectedVersion)))
        .returning({ id: crls.id });
      return writeAudited(db, write, entry);
    },
  };
}
