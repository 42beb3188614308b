import type { FetchLike } from '../advisories';
import type { Database } from '../db';

/** What each platform gives the feed poller: the Node timer and the Workers cron call the same function. */
export interface FeedPollingDeps {
  db: Database;
  fetch: FetchLike;
  subtle: SubtleCrypto;
  now: () => Date;
  /** Uniform in [0, 1): jitter for the schedule. */
  random: () => number;
}

export interface FeedPollingReport {
  polled: number;
}

/** Present only while this file is the placeholder: the workers feed-poll test runs once it is gone. */
export const FEED_POLLING_PLACEHOLDER = true;

/**
 * PLACEHOLDER (added with the Workers entry so that `scheduled` has its one function to call): polls
 * nothing. To be replaced by the real poller: feeds whose nextPollAt has passed, pollFeed, persistence.
 */
export async function pollDueFeeds(_deps: FeedPollingDeps): Promise<FeedPollingReport> {
  return { polled: 0 };
}
