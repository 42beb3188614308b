import { and, asc, desc, eq, gt, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { AuditReader, AuditRecord } from '../trust';
import type { Database } from './database';
import { auditLog } from './schema';

type AuditRow = typeof auditLog.$inferSelect;

const toRecord = (row: AuditRow): AuditRecord => ({
  ...row,
  targetType: row.targetType as AuditRecord['targetType'],
});

/** Reads the audit log, oldest first. There is deliberately no update or delete here. */
export function createAuditReader(db: Database): AuditReader {
  return {
    async list(filter) {
      const conditions: SQL[] = [];
      if (filter.vendorId !== undefined) conditions.push(eq(auditLog.vendorId, filter.vendorId));
      if (filter.targetId !== undefined) conditions.push(eq(auditLog.targetId, filter.targetId));
      if (filter.actor !== undefined) conditions.push(eq(auditLog.actor, filter.actor));
      if (filter.since !== undefined) conditions.push(gte(auditLog.at, filter.since));
      if (filter.until !== undefined) conditions.push(lte(auditLog.at, filter.until));
      if (filter.afterId !== undefined) conditions.push(gt(auditLog.id, filter.afterId));
      if (filter.beforeId !== undefined) conditions.push(lt(auditLog.id, filter.beforeId));
      const rows = await db
        .select()
        .from(auditLog)
        .where(conditions.length > 0 ? and(...conditions) : undefined)
        .orderBy(filter.newestFirst ? desc(auditLog.id) : asc(auditLog.id))
        .limit(filter.limit);
      return rows.map(toRecord);
    },
  };
}
