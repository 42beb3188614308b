import { sql } from 'drizzle-orm';
import type { AuditEntry } from '../trust';
import type { Database } from './database';
import { auditLog } from './schema';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Appends `entry` only if the statement just before it (in the same batch) changed a row. The SELECT lists
 * every audit_log column in table order (id NULL: the next rowid), as drizzle's insert-select needs.
 */
const auditIfChanged = (db: Database, entry: AuditEntry) =>
  db.insert(auditLog).select(sql`
    SELECT NULL, ${entry.at}, ${entry.actor}, ${entry.action}, ${entry.targetType}, ${entry.targetId},
           ${entry.vendorId}, ${entry.reason}, ${json(entry.before)}, ${json(entry.after)}
    WHERE changes() = 1`);

type Batchable = { batch?: (items: readonly unknown[]) => Promise<unknown[]> };

/**
 * A write (an insert, or a conditional update, with `.returning()`) and its audit entry as one batch:
 * libSQL and D1 run a batch as one transaction, and the entry is written exactly when the write changed
 * one row. Returns whether it did. A failing write (e.g. a primary key taken) throws and writes neither.
 */
export async function writeAudited(
  db: Database,
  write: { execute: () => Promise<unknown[]> },
  entry: AuditEntry,
  alongside: ReadonlyArray<{ execute: () => Promise<unknown> }> = [],
): Promise<boolean> {
  const batch = (db as unknown as Batchable).batch?.bind(db);
  if (!batch) {
    const changed = (await write.execute()).length === 1;
    if (changed) await db.insert(auditLog).values(entry);
    for (const statement of alongside) await statement.execute();
    return changed;
  }
  const [changed] = (await batch([write, auditIfChanged(db, entry), ...alongside])) as [unknown[], unknown];
  return changed.length === 1;
}

/** Runs `write` and the statements `alongside` it as one batch (one transaction on libSQL and D1). */
export async function writeWith<T>(
  db: Database,
  write: { execute: () => Promise<T> },
  alongside: ReadonlyArray<{ execute: () => Promise<unknown> }>,
): Promise<T> {
  const batch = (db as unknown as Batchable).batch?.bind(db);
  if (!batch) {
    const result = await write.execute();
    for (const statement of alongside) await statement.execute();
    return result;
  }
  const [result] = (await batch([write, ...alongside])) as [T];
  return result;
}
