/**
 * What the poller needs to know about one subscribed feed. The caller persists it; `pollFeed` returns the
 * next version of it (`FeedStatusUpdate`) as plain data.
 */
export interface FeedState {
  id: string;
  vendorId: string;
  url: string;
  /** Validators from the last 200, sent back exactly as received. */
  etag: string | null;
  lastModified: string | null;
  status: FeedStatus;
  /** Why the feed is disabled, in words a listing can show. */
  disabledReason: string | null;
  consecutiveFailures: number;
  /** Overrides the default base poll interval for this feed. */
  pollIntervalSeconds?: number | null;
}

export type FeedStatus = 'active' | 'disabled';
