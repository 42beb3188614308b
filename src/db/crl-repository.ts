import { desc, eq, sql } from 'drizzle-orm';
import type { CrlRecord, CrlRepository } from '../services/crls';
import type { Database } from './database';
import { crls } from './schema';

export function createCrlRepository(db: Database): CrlRepository {
  // Read on every /verify: built once (drizzle otherwise rebuilds the SQL on each call).
  const derList = db
    .select({ der: crls.der })
    .from(crls)
    .where(eq(crls.vendorId, sql.placeholder('vendorId')))
    .orderBy(desc(crls.thisUpdate))
    .limit(sql.placeholder('limit'))
    .prepare();
  return {
    async has(vendorId, id) {
      const rows = await db
        .select({ id: crls.id, vendorId: crls.vendorId })
        .from(crls)
        .where(eq(crls.id, id));
      return rows.some((r) => r.vendorId === vendorId);
    },
    async insert(record: CrlRecord) {
      // A concurrent upload of the same CRL loses quietly: it is already stored.
      const rows = await db
        .insert(crls)
        .values({ ...record, der: record.der })
        .onConflictDoNothing()
        .returning({ id: crls.id });
      return rows.length === 1;
    },
    async listDer(vendorId, limit) {
      const rows = await derList.all({ vendorId, limit });
      return rows.map((r) => new Uint8Array(r.der));
    },
  };
}
