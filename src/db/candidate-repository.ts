import { and, eq } from 'drizzle-orm';
import {
  type CandidateRepository,
  derOfPem,
  type StoredCandidate,
  type StoredCandidateData,
} from '../advisories';
import type { Database } from './database';
import { candidates } from './schema';

type Row = typeof candidates.$inferSelect;

const toCandidate = (row: Row): StoredCandidate => ({
  vendorId: row.vendorId,
  key: row.key,
  data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as StoredCandidateData,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const toRow = (c: StoredCandidate) => {
  const d = c.data;
  return {
    vendorId: c.vendorId,
    key: c.key,
    sha256: d.kind === 'certificate' ? d.sha256 : d.algorithm === 'sha256' ? d.hex : null,
    spkiSha256: d.kind === 'certificate' ? d.spkiSha256 : null,
    sha1: d.kind === 'certificate' ? d.sha1 : d.algorithm === 'sha1' ? d.hex : null,
    der: d.kind === 'certificate' ? derOfPem(d.pem) : null,
    subject: d.kind === 'certificate' ? d.subject : null,
    corroborated: d.corroborated,
    data: d,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
};

export function createCandidateRepository(db: Database): CandidateRepository {
  return {
    async list(filter = {}) {
      const rows = await db
        .select()
        .from(candidates)
        .where(filter.vendorId ? eq(candidates.vendorId, filter.vendorId) : undefined)
        .orderBy(candidates.vendorId, candidates.createdAt, candidates.key);
      return rows.map(toCandidate);
    },
    async get(vendorId, key) {
      const rows = await db
        .select()
        .from(candidates)
        .where(and(eq(candidates.vendorId, vendorId), eq(candidates.key, key)))
        .limit(1);
      return rows[0] ? toCandidate(rows[0]) : null;
    },
    async findByKey(vendorId, spkiSha256) {
      const rows = await db
        .select()
        .from(candidates)
        .where(and(eq(candidates.vendorId, vendorId), eq(candidates.spkiSha256, spkiSha256)))
        .limit(1);
      return rows[0] ? toCandidate(rows[0]) : null;
    },
    async put(candidate, previousKey) {
      if (previousKey !== undefined && previousKey !== candidate.key) {
        await db
          .delete(candidates)
          .where(and(eq(candidates.vendorId, candidate.vendorId), eq(candidates.key, previousKey)));
      }
      const row = toRow(candidate);
      await db
        .insert(candidates)
        .values(row)
        .onConflictDoUpdate({
          target: [candidates.vendorId, candidates.key],
          set: {
            sha256: row.sha256,
            spkiSha256: row.spkiSha256,
            sha1: row.sha1,
            der: row.der,
            subject: row.subject,
            corroborated: row.corroborated,
            data: row.data,
            updatedAt: row.updatedAt,
          },
        });
    },
  };
}
