import type { FeedState } from './feed-state';
import { isHttpUrl, publicHttpOnly, type UrlGuard } from './url-guard';

export type NewFeedResult =
  | { ok: true; feed: FeedState }
  | { ok: false; reason: 'invalid_url' | 'unsupported_scheme' | 'url_not_allowed'; detail: string };

/**
 * The state of a feed an admin (or `vendor.json`) subscribes: the URL must be absolute http(s) and pass
 * the URL guard (by default: no private or loopback hosts). The fragment is dropped; nothing is fetched.
 */
export function newFeedState(
  input: { id: string; vendorId: string; url: string; pollIntervalSeconds?: number | null },
  isAllowedUrl: UrlGuard = publicHttpOnly,
): NewFeedResult {
  let url: URL;
  try {
    url = new URL(input.url.trim());
  } catch {
    return { ok: false, reason: 'invalid_url', detail: `not an absolute URL: ${input.url}` };
  }
  if (!isHttpUrl(url)) {
    return { ok: false, reason: 'unsupported_scheme', detail: `only http and https feeds: ${url.protocol}` };
  }
  if (!isAllowedUrl(url))
    return { ok: false, reason: 'url_not_allowed', detail: `address not allowed: ${url.host}` };
  url.hash = '';
  return {
    ok: true,
    feed: {
      id: input.id,
      vendorId: input.vendorId,
      url: url.href,
      etag: null,
      lastModified: null,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
      pollIntervalSeconds: input.pollIntervalSeconds ?? null,
    },
  };
}
