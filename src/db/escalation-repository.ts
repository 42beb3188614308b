import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { EscalationRepository } from '../escalation';
import { caseRoot, type EscalationCase } from '../escalation';
import type { Database } from './database';
import { escalationCases, escalationOpeningSlots } from './schema';
import { isUniqueViolation } from './unique-violation';

type Row = typeof escalationCases.$inferSelect;

const toCase = (row: Row): EscalationCase => ({
  ...(row.data as EscalationCase),
  id: row.id,
  state: row.state as EscalationCase['state'],
});

const toRow = (c: EscalationCase) => ({
  id: c.id,
  vendorId: c.vendorId,
  // The column the open-case unique index holds: the root for per-root kinds, ANY_ROOT for the overflow case.
  spkiSha256: caseRoot(c.kind, c.top.spkiSha256),
  kind: c.kind,
  state: c.state,
  data: c,
  openedAt: c.openedAt,
  updatedAt: c.updatedAt,
});

/** The cases of one vendor, root key and kind in one state. */
const sameKey = (
  vendorId: string,
  root: string,
  kind: EscalationCase['kind'],
  state: EscalationCase['state'],
) =>
  and(
    eq(escalationCases.vendorId, vendorId),
    eq(escalationCases.spkiSha256, root),
    eq(escalationCases.kind, kind),
    eq(escalationCases.state, state),
  );

export function createEscalationRepository(db: Database): EscalationRepository {
  return {
    async findOpen(vendorId, root, kind) {
      const rows = await db
        .select()
        .from(escalationCases)
        .where(sameKey(vendorId, root, kind, 'open'))
        .limit(1);
      return rows[0] ? { case: toCase(rows[0]), version: rows[0].version } : null;
    },
    async findLatestResolved(vendorId, root, kind) {
      const rows = await db
        .select()
        .from(escalationCases)
        .where(sameKey(vendorId, root, kind, 'resolved'))
        .orderBy(desc(escalationCases.updatedAt), desc(escalationCases.id))
        .limit(1);
      return rows[0] ? toCase(rows[0]) : null;
    },
    async get(id) {
      const rows = await db.select().from(escalationCases).where(eq(escalationCases.id, id)).limit(1);
      return rows[0] ? { case: toCase(rows[0]), version: rows[0].version } : null;
    },
    async list(filter) {
      const conditions: SQL[] = [];
      if (filter.state) conditions.push(eq(escalationCases.state, filter.state));
      if (filter.vendorId) conditions.push(eq(escalationCases.vendorId, filter.vendorId));
      const rows = await db
        .select()
        .from(escalationCases)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(escalationCases.updatedAt))
        .limit(Math.min(filter.limit ?? 100, 500));
      return rows.map(toCase);
    },
    async insert(c) {
      try {
        await db.insert(escalationCases).values(toRow(c));
        return true;
      } catch (error) {
        // The partial unique index allows one open case per vendor and root: a concurrent open lost the race.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async update(c, expectedVersion) {
      const result = await db
        .update(escalationCases)
        .set({ ...toRow(c), version: expectedVersion + 1 })
        .where(and(eq(escalationCases.id, c.id), eq(escalationCases.version, expectedVersion)))
        .returning({ id: escalationCases.id });
      return result.length === 1;
    },
    async countBlocked(id, at) {
      // One statement: SQLite (and D1) run it atomically, so concurrent counts add up.
      const rows = await db
        .update(escalationCases)
        .set({
          data: sql`json_set(${escalationCases.data},
            '$.verificationsBlocked', coalesce(json_extract(${escalationCases.data}, '$.verificationsBlocked'), 0) + 1,
            '$.lastSeen', max(coalesce(json_extract(${escalationCases.data}, '$.lastSeen'), ''), ${at}),
            '$.updatedAt', max(coalesce(json_extract(${escalationCases.data}, '$.updatedAt'), ''), ${at}))`,
          updatedAt: sql`max(${escalationCases.updatedAt}, ${at})`,
          version: sql`${escalationCases.version} + 1`,
        })
        .where(and(eq(escalationCases.id, id), eq(escalationCases.state, 'open')))
        .returning();
      return rows[0] ? { case: toCase(rows[0]), version: rows[0].version } : null;
    },
    async openingSlots(vendorId, kind) {
      return db
        .select({
          slot: escalationOpeningSlots.slot,
          claimedAt: escalationOpeningSlots.claimedAt,
          root: escalationOpeningSlots.root,
        })
        .from(escalationOpeningSlots)
        .where(and(eq(escalationOpeningSlots.vendorId, vendorId), eq(escalationOpeningSlots.kind, kind)));
    },
    async claimOpeningSlot(claim) {
      const key = and(
        eq(escalationOpeningSlots.vendorId, claim.vendorId),
        eq(escalationOpeningSlots.kind, claim.kind),
        eq(escalationOpeningSlots.slot, claim.slot),
      );
      if (claim.previous === null) {
        const inserted = await db
          .insert(escalationOpeningSlots)
          .values({
            vendorId: claim.vendorId,
            kind: claim.kind,
            slot: claim.slot,
            claimedAt: claim.claimedAt,
            root: claim.root,
            caseId: claim.caseId,
          })
          .onConflictDoNothing()
          .returning({ slot: escalationOpeningSlots.slot });
        return inserted.length === 1;
      }
      // Compare-and-set on the previous claim: of two requests that saw the same expired claim, one wins.
      const updated = await db
        .update(escalationOpeningSlots)
        .set({ claimedAt: claim.claimedAt, root: claim.root, caseId: claim.caseId })
        .where(and(key, eq(escalationOpeningSlots.claimedAt, claim.previous)))
        .returning({ slot: escalationOpeningSlots.slot });
      return updated.length === 1;
    },
  };
}
