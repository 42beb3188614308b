import type { FeedState, FeedStatus } from './feed-state';

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

/** The feed store's port: db/ implements it, the feed services read and write through it. */
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
