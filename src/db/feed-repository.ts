import { and, eq, sql } from 'drizzle-orm';
import { type FeedRecordState, type FeedRepository, initialFeedState, type StoredFeed } from '../advisories';
import type { Database } from './database';
import { feeds } from './schema';
import { isUniqueViolation } from './unique-violation';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Reads the JSON leniently: rows written by older code (or by hand) may lack fields. */
export function readFeedState(raw: unknown): FeedRecordState {
  const s = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Record<string, unknown>;
  const base = initialFeedState();
  return {
    rev: typeof s.rev === 'number' ? s.rev : 0,
    etag: str(s.etag),
    lastModified: str(s.lastModified),
    status: s.status === 'disabled' ? 'disabled' : 'active',
    disabledReason: str(s.disabledReason),
    consecutiveFailures: typeof s.consecutiveFailures === 'number' ? s.consecutiveFailures : 0,
    pollIntervalSeconds: typeof s.pollIntervalSeconds === 'number' ? s.pollIntervalSeconds : null,
    nextPollAt: str(s.nextPollAt),
    leaseUntil: str(s.leaseUntil) ?? base.leaseUntil,
    lastPolledAt: str(s.lastPolledAt),
    lastSuccessAt: str(s.lastSuccessAt),
    lastError: str(s.lastError),
    lastOutcome: str(s.lastOutcome),
  };
}

type Row = typeof feeds.$inferSelect;

const toFeed = (row: Row): StoredFeed => ({
  id: row.id,
  vendorId: row.vendorId,
  url: row.url,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  state: readFeedState(row.state),
});

export function createFeedRepository(db: Database): FeedRepository {
  return {
    async list(filter = {}) {
      const rows = await db
        .select()
        .from(feeds)
        .where(filter.vendorId ? eq(feeds.vendorId, filter.vendorId) : undefined)
        .orderBy(feeds.vendorId, feeds.createdAt, feeds.id);
      return rows.map(toFeed);
    },
    async get(id) {
      const rows = await db.select().from(feeds).where(eq(feeds.id, id)).limit(1);
      return rows[0] ? toFeed(rows[0]) : null;
    },
    async findByUrl(vendorId, url) {
      const rows = await db
        .select()
        .from(feeds)
        .where(and(eq(feeds.vendorId, vendorId), eq(feeds.url, url)))
        .limit(1);
      return rows[0] ? toFeed(rows[0]) : null;
    },
    async insert(feed) {
      try {
        await db.insert(feeds).values({
          id: feed.id,
          vendorId: feed.vendorId,
          url: feed.url,
          state: feed.state,
          createdBy: feed.createdBy,
          createdAt: feed.createdAt,
        });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async updateState(id, state, expectedRev) {
      const rows = await db
        .update(feeds)
        .set({ state })
        .where(
          and(eq(feeds.id, id), sql`coalesce(json_extract(${feeds.state}, '$.rev'), 0) = ${expectedRev}`),
        )
        .returning({ id: feeds.id });
      return rows.length === 1;
    },
    async delete(id) {
      const rows = await db.delete(feeds).where(eq(feeds.id, id)).returning({ id: feeds.id });
      return rows.length === 1;
    },
  };
}
