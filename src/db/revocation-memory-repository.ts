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

interface Row {
  issuer: string;
  serial: string;
  reason_code: number | null;
  revocation_date: string;
  evidence_sha256: string;
}

export function createRevocationMemory(db: Database, now: () => Date = () => new Date()): RevocationMemory {
  const batch = (db as unknown as Batchable).batch?.bind(db);
  return {
    async find(keys) {
      const unique = [...new Map(keys.map((k) => [JSON.stringify([k.issuer, k.serial]), k])).values()];
      const out: KnownRevocation[] = [];
      for (const chunk of jsonChunks(unique, (k) => JSON.stringify([k.issuer, k.serial]))) {
        // CROSS JOIN keeps the keys as the outer loop, so each key is one lookup in the (issuer, serial) index.
        const rows = await db.all<Row>(sql`
          SELECT k.issuer, k.serial, k.reason_code, k.revocation_date, k.evidence_sha256
          FROM json_each(${chunk}) AS j CROSS JOIN known_revocations AS k
          WHERE k.issuer = json_extract(j.value, '$[0]') AND k.serial = json_extract(j.value, '$[1]')`);
        for (const row of rows) {
          out.push({
            issuer: row.issuer,
            serial: row.serial,
            reasonCode: row.reason_code === null ? null : Number(row.reason_code),
            revocationDate: new Date(row.revocation_date),
            evidenceSha256: row.evidence_sha256,
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
