import { and, eq, sql } from 'drizzle-orm';
import type { FeedState, FeedStatus } from '../advisories';
import type { Database } from './database';
import { feeds } from './schema';
import { isUniqueViolation } from './unique-violation';

/**
 * What the `feeds.state` JSON column holds: the pure domain's `FeedState` fields, the schedule and the last
 * poll's outcome, plus `rev`, a counter every write bumps (optimistic concurrency on the JSON, so that the
 * Node timer, a Workers cron run and `POST /feeds/{id}/poll` never store over one another).
 */
export interface FeedRecordState {
  rev: number;
  etag: string | null;
  lastModified: string | null;
  status: FeedStatus;
  disabledReason: string | null;
  consecutiveFailures: number;
  pollIntervalSeconds: number | null;
  /** ISO 8601; null: never polled (due at once), or disabled. While a poll runs: the end of its lease. */
  nextPollAt: string | null;
  /** Set while a poll holds the feed; a crashed poller's lease simply runs out. */
  leaseUntil: string | null;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** ok | not_modified | retry_later | gone | error, of the last poll. */
  lastOutcome: string | null;
}

export interface StoredFeed {
  id: string;
  vendorId: string;
  url: string;
  createdBy: string;
  createdAt: string;
  state: FeedRecordState;
}

export interface FeedRepository {
  list(filter?: { vendorId?: string }): Promise<StoredFeed[]>;
  get(id: string): Promise<StoredFeed | null>;
  findByUrl(vendorId: string, url: string): Promise<StoredFeed | null>;
  /** False when the vendor already has a feed with this URL (unique index). */
  insert(feed: StoredFeed): Promise<boolean>;
  /** Stores `state` (its `rev` must be `expectedRev + 1`) if the stored rev is still `expectedRev`. */
  updateState(id: string, state: FeedRecordState, expectedRev: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export const initialFeedState = (pollIntervalSeconds: number | null = null): FeedRecordState => ({
  rev: 0,
  etag: null,
  lastModified: null,
  status: 'active',
  disabledReason: null,
  consecutiveFailures: 0,
  pollIntervalSeconds,
  nextPollAt: null,
  leaseUntil: null,
  lastPolledAt: null,
  lastSuccessAt: null,
  lastError: null,
  lastOutcome: null,
});

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

/** The pure domain's view of a stored feed. */
export const feedStateOf = (feed: StoredFeed): FeedState => ({
  id: feed.id,
  vendorId: feed.vendorId,
  url: feed.url,
  etag: feed.state.etag,
  lastModified: feed.state.lastModified,
  status: feed.state.status,
  disabledReason: feed.state.disabledReason,
  consecutiveFailures: feed.state.consecutiveFailures,
  pollIntervalSeconds: feed.state.pollIntervalSeconds,
});

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
