import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { EscalationCase } from '../escalation';
import type { EscalationRepository } from '../services/escalation-ports';
import type { Database } from './database';
import { escalationCases } from './schema';
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
  spkiSha256: c.top.spkiSha256,
  kind: c.kind,
  state: c.state,
  data: c,
  openedAt: c.openedAt,
  updatedAt: c.updatedAt,
});

export function createEscalationRepository(db: Database): EscalationRepository {
  return {
    async findOpen(vendorId, spkiSha256, kind) {
      const rows = await db
        .select()
        .from(escalationCases)
        .where(
          and(
            eq(escalationCases.vendorId, vendorId),
            eq(escalationCases.spkiSha256, spkiSha256),
            eq(escalationCases.kind, kind),
            eq(escalationCases.state, 'open'),
          ),
        )
        .limit(1);
      return rows[0] ? { case: toCase(rows[0]), version: rows[0].version } : null;
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
  };
}
