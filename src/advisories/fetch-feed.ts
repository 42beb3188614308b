import { decodeText } from './decode-text';
import type { FeedState } from './feed-state';
import { type FetchDeps, type FetchError, fetchResource } from './fetch-resource';
import type { FetchLimits } from './limits';

export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

export type FetchFeedOutcome =
  | { kind: 'not_modified' }
  | {
      kind: 'ok';
      body: string;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      finalUrl: string;
    }
  | { kind: 'retry_later'; until: Date; reason: string }
  | { kind: 'gone' }
  | FetchError;

/**
 * One conditional GET of a feed: If-None-Match / If-Modified-Since carry the validators kept from the last
 * 200 exactly as they were received. See `fetchResource` for the limits applied.
 */
export async function fetchFeed(
  deps: FetchDeps,
  feed: FeedState,
  limits: FetchLimits,
): Promise<FetchFeedOutcome> {
  const outcome = await fetchResource(deps, feed.url, limits, {
    accept: FEED_ACCEPT,
    conditional: { etag: feed.etag, lastModified: feed.lastModified },
  });
  switch (outcome.kind) {
    case 'ok':
      return {
        kind: 'ok',
        body: decodeText(outcome.bytes, outcome.contentType),
        contentType: outcome.contentType,
        etag: outcome.etag,
        lastModified: outcome.lastModified,
        finalUrl: outcome.finalUrl,
      };
    case 'not_modified':
      return { kind: 'not_modified' };
    case 'gone':
      return { kind: 'gone' };
    case 'retry_later':
      return { kind: 'retry_later', until: outcome.until, reason: outcome.reason };
    case 'error':
      return outcome;
  }
}
