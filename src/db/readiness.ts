import { getTableName, is, sql } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from './database';
import * as schema from './schema';

/** `ok`, `failing`, or `unchecked` (the migrations when the database does not answer). */
export type ProbeState = 'ok' | 'failing' | 'unchecked';

export interface DatabaseProbe {
  database: ProbeState;
  migrations: ProbeState;
  /** Why a check failed (the tables missing, the error, or the timeout); for the log, never secret. */
  reasons: string[];
}

/** How long GET /ready waits for the database before calling it unreachable. */
export const DATABASE_PROBE_TIMEOUT_MS = 2000;

const TABLES: SQLiteTable[] = (Object.values(schema) as unknown[]).filter((value): value is SQLiteTable =>
  is(value, SQLiteTable),
);

class ProbeTimeout extends Error {}

function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The driver's own message (drizzle wraps it in one quoting the whole query). */
const messageOf = (error: unknown): string =>
  error instanceof Error && error.cause !== undefined
    ? messageOf(error.cause)
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * Whether the database answers a trivial query, and whether the migrations are applied: every table of
 * the schema can be read with every column (a zero-row select per table, so a table or a column a newer
 * migration adds and this database lacks fails it). Works on libSQL and D1 alike (drizzle's migrations
 * table exists only where drizzle migrated, not where wrangler did). The whole probe is bounded by
 * `timeoutMs`: a database that hangs is reported as failing, never waited for.
 */
export async function probeDatabase(
  db: Database,
  timeoutMs = DATABASE_PROBE_TIMEOUT_MS,
): Promise<DatabaseProbe> {
  const started = Date.now();
  try {
    await within(db.all(sql`select 1`), timeoutMs);
  } catch (error) {
    return { database: 'failing', migrations: 'unchecked', reasons: [`database: ${messageOf(error)}`] };
  }
  const left = Math.max(1, timeoutMs - (Date.now() - started));
  const missing: string[] = [];
  try {
    await within(
      Promise.all(
        TABLES.map((table) =>
          db
            .select()
            .from(table)
            .limit(0)
            .then(
              () => undefined,
              (error: unknown) => {
                missing.push(`${getTableName(table)}: ${messageOf(error)}`);
              },
            ),
        ),
      ),
      left,
    );
  } catch (error) {
    return { database: 'failing', migrations: 'unchecked', reasons: [`database: ${messageOf(error)}`] };
  }
  if (missing.length > 0) {
    return { database: 'ok', migrations: 'failing', reasons: [`migrations: ${missing.sort().join('; ')}`] };
  }
  return { database: 'ok', migrations: 'ok', reasons: [] };
}
