import { sql } from 'drizzle-orm';
import type { KnownRevocation, RevocationMemory } from '../verify/revocation-memory';
import type { Database } from './database';
import { knownRevocations } from './schema';

/**
 * The revocation memory in table `known_revocations`: rows are only ever inserted (INSERT OR IGNORE on
 * issuer, serial and evidence), never updated or deleted.
 *
 * A CRL can list tens of thousands of entries, and D1 binds at most 100 parameters per statement: rather
 * than 16 rows of six parameters per INSERT, each statement binds one JSON array of rows and reads it
 * with json_each, so 20,000 entries take a few dozen statements. A chunk is bounded by entries and by
 * size (D1 refuses a bound value over 2 MB).
 */

const MAX_ENTRIES_PER_STATEMENT = 1000;
const MAX_JSON_CHARS_PER_STATEMENT = 512 * 1024;

type Batchable = { batch?: (items: readonly unknown[]) => Promise<unknown[]> };

/** JSON arrays of at most the limits above (one item alone may exceed the size, and goes alone). */
function jsonChunks<T>(items: readonly T[], encode: (item: T) => string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const item of items) {
    const text = encode(item);
    if (
      current.length > 0 &&
      (current.length >= MAX_ENTRIES_PER_STATEMENT || size + text.length + 1 > MAX_JSON_CHARS_PER_STATEMENT)
    ) {
      out.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(text);
    size += text.length + 1;
  }
  if (current.length > 0) out.push(`[${current.join(',')}]`);
  return out;
}

export function createRevocationMemory(db: Database, now: () => Date = () => new Date()): RevocationMemory {
  const batch = (db as unknown as Batchable).batch?.bind(db);
  // Run on every verification: prepared once (compiling the SQL each time cost more than running it).
  // The keys are one JSON parameter; the row-value IN is one lookup in the (issuer, serial) index per key.
  const findStatement = db
    .select({
      issuer: knownRevocations.issuer,
      serial: knownRevocations.serial,
      reasonCode: knownRevocations.reasonCode,
      revocationDate: knownRevocations.revocationDate,
      evidenceSha256: knownRevocations.evidenceSha256,
    })
    .from(knownRevocations)
    .where(
      sql`(${knownRevocations.issuer}, ${knownRevocations.serial}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${sql.placeholder('keys')}))`,
    )
    .prepare();
  return {
    async find(keys) {
      const unique = [...new Set(keys.map((k) => JSON.stringify([k.issuer, k.serial])))];
      const out: KnownRevocation[] = [];
      for (const chunk of jsonChunks(unique, (k) => k)) {
        for (const row of await findStatement.all({ keys: chunk })) {
          out.push({
            issuer: row.issuer,
            serial: row.serial,
            reasonCode: row.reasonCode === null ? null : Number(row.reasonCode),
            revocationDate: new Date(row.revocationDate),
            evidenceSha256: row.evidenceSha256,
          });
        }
      }
      return out;
    },

    async remember(entries) {
      if (entries.length === 0) return;
      const firstSeenAt = now().toISOString();
      const statements = jsonChunks(entries, (e) =>
        JSON.stringify([e.issuer, e.serial, e.reasonCode, e.revocationDate.toISOString(), e.evidenceSha256]),
      ).map((chunk) =>
        // The SELECT lists every column in table order, as drizzle's insert-select needs; its WHERE is
        // SQLite's rule for an upsert after a SELECT (else ON CONFLICT would read as a join's ON).
        db
          .insert(knownRevocations)
          .select(
            sql`SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                       json_extract(value, '$[3]'), json_extract(value, '$[4]'), ${firstSeenAt}
                FROM json_each(${chunk}) WHERE true`,
          )
          .onConflictDoNothing(),
      );
      // One batch is one transaction on libSQL and D1: a CRL's entries are remembered all or none.
      if (batch) await batch(statements);
      else for (const statement of statements) await statement.execute();
    },
  };
}
