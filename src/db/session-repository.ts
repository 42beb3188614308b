import { eq, lte } from 'drizzle-orm';
import type { SessionRepository } from '../trust';
import type { Database } from './database';
import { consoleSessions } from './schema';

export function createSessionRepository(db: Database): SessionRepository {
  return {
    async insert(session) {
      await db.insert(consoleSessions).values(session);
    },
    async get(idHash) {
      const rows = await db.select().from(consoleSessions).where(eq(consoleSessions.idHash, idHash)).limit(1);
      return rows[0] ?? null;
    },
    async delete(idHash) {
      await db.delete(consoleSessions).where(eq(consoleSessions.idHash, idHash));
    },
    async deleteExpired(at) {
      const gone = await db
        .delete(consoleSessions)
        .where(lte(consoleSessions.expiresAt, at))
        .returning({ idHash: consoleSessions.idHash });
      return gone.length;
    },
  };
}
