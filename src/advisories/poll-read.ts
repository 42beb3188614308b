import type { FeedItem, ItemParseError } from './feed-item';
import type { FeedState } from './feed-state';
import { fetchFeed } from './fetch-feed';
import type { FetchDeps } from './fetch-resource';
import type { FetchLimits } from './limits';
import { parseFeed } from './parse-feed';
import type { ScheduleOutcome } from './schedule';

export type FeedRead =
  | {
      kind: 'read';
      items: FeedItem[];
      itemErrors: (ItemParseError & { recovered: boolean })[];
      finalUrl: string;
      etag: string | null;
      lastModified: string | null;
    }
  /** Nothing to process: the outcome the schedule is decided on. */
  | { kind: 'done'; outcome: ScheduleOutcome };

/**
 * Fetches the feed (conditional GET, redirects, Retry-After backoff: `fetchFeed`) and parses it. A feed
 * that cannot be read is an error outcome, and its validators are not stored: a 304 must not hide a
 * document we could not read.
 */
export async function readFeed(
  fetchDeps: FetchDeps,
  feed: FeedState,
  limits: FetchLimits,
  maxItems: number,
): Promise<FeedRead> {
  const fetched = await fetchFeed(fetchDeps, feed, limits);
  if (fetched.kind === 'not_modified') return { kind: 'done', outcome: { kind: 'not_modified' } };
  if (fetched.kind === 'gone') return { kind: 'done', outcome: { kind: 'gone' } };
  if (fetched.kind === 'retry_later') return { kind: 'done', outcome: fetched };
  if (fetched.kind === 'error') {
    return { kind: 'done', outcome: { kind: 'error', reason: fetched.reason, detail: fetched.detail } };
  }
  const parsed = await parseFeed(fetched.body, fetched.contentType, fetched.finalUrl, maxItems);
  if (parsed.kind === 'error') {
    return { kind: 'done', outcome: { kind: 'error', reason: 'unreadable_feed', detail: parsed.reason } };
  }
  return {
    kind: 'read',
    items: parsed.items,
    itemErrors: parsed.itemErrors,
    finalUrl: fetched.finalUrl,
    etag: fetched.etag,
    lastModified: fetched.lastModified,
  };
}
