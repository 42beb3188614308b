import {
  type CertificateFetchLimits,
  type FeedRecordState,
  type FeedRepository,
  type FetchLike,
  type FetchLimits,
  feedStateOf,
  type PollPorts,
  type PollResult,
  pollFeed,
  type ScheduleConfig,
  type StoredCandidate,
  type StoredFeed,
  selectDueFeeds,
  type UrlGuard,
} from '../../advisories';
import { TrustgateError } from '../../errors';
import type { FeedAuditor } from './audit';
import { type FeedBookkeeping, faultedPoll } from './bookkeeping';
import type { PollResultStores } from './poll-results';
import { storePollResult } from './poll-results';

/** Who the poller is in the audit log. */
export const FEED_POLLER_ACTOR = 'feed-poller';
const DEFAULT_MAX_FEEDS = 10;
const DEFAULT_CONCURRENCY = 4;

export interface FeedPollingReport {
  /** Feeds polled by this call. */
  polled: number;
  /** Of those, polls that succeeded (200 or 304). */
  succeeded?: number;
  /** Feeds this call disabled (410, or a long run of failures). */
  disabled?: number;
  /** Candidates stored or updated. */
  candidates?: number;
  /** Edits that changed an item's fingerprints. */
  alerts?: number;
}

export interface FeedPollOutcome {
  feed: StoredFeed;
  result: PollResult;
  /** Candidates of this poll as stored (merged with what was on file). */
  candidates: StoredCandidate[];
}

/** How many feeds one due-feeds poll takes, and how many it polls at the same time. */
export interface PollDueOptions {
  /** Feeds polled by one call at most (most overdue first); default 10, so a cron run stays short. */
  maxFeeds?: number | undefined;
  /** Feeds polled at the same time; default 4. */
  concurrency?: number | undefined;
}

/** What fetching needs: injected fetch, clock, jitter and crypto, the URL guard and the limits. */
export interface FeedFetching {
  fetch: FetchLike;
  subtle: SubtleCrypto;
  now: () => Date;
  /** Uniform in [0, 1): jitter for the schedule. */
  random: () => number;
  isAllowedUrl?: UrlGuard | undefined;
  limits?: Partial<FetchLimits> | undefined;
  certificateLimits?: Partial<CertificateFetchLimits> | undefined;
  schedule?: Partial<ScheduleConfig> | undefined;
}

export interface FeedPollerDeps extends PollResultStores {
  feeds: FeedRepository;
  bookkeeping: FeedBookkeeping;
  /** The feed by id, or NOT_FOUND. */
  load: (id: string) => Promise<StoredFeed>;
  /** What `pollFeed` reads: the items stored last time, the vendor's active roots. */
  ports: PollPorts;
  fetching: FeedFetching;
  audit: FeedAuditor;
}

async function inPool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** Polls one claimed feed and stores the outcome; a fault counts as a failed poll (and is logged). */
async function pollClaimed(
  deps: FeedPollerDeps,
  feed: StoredFeed,
  claimed: FeedRecordState,
  actor: string,
): Promise<FeedPollOutcome | null> {
  const f = deps.fetching;
  const domainFeed = feedStateOf({ ...feed, state: claimed });
  let result: PollResult;
  try {
    result = await pollFeed(
      {
        fetch: f.fetch,
        now: f.now,
        random: f.random,
        subtle: f.subtle,
        ports: deps.ports,
        ...(f.isAllowedUrl ? { isAllowedUrl: f.isAllowedUrl } : {}),
        ...(f.limits ? { limits: f.limits } : {}),
        ...(f.certificateLimits ? { certificateLimits: f.certificateLimits } : {}),
        ...(f.schedule ? { schedule: f.schedule } : {}),
      },
      domainFeed,
    );
  } catch (error) {
    console.error(`polling feed ${feed.id} (${feed.url}) failed`, error);
    result = faultedPoll(domainFeed, claimed, error, f.now(), f.random);
  }
  const stored = await deps.bookkeeping.release(feed, claimed, result, actor);
  if (!stored) return null;
  const candidates = await storePollResult(deps, stored, result, actor);
  return { result, feed: stored, candidates };
}

/**
 * Polls one feed now (`POST /feeds/{id}/poll`). A disabled feed is enabled again first: polling it by
 * hand is the admin's decision to try it again (audited as `feed.enable`).
 */
async function pollNow(deps: FeedPollerDeps, id: string, actor: string): Promise<FeedPollOutcome> {
  const feed = await deps.load(id);
  const now = deps.fetching.now();
  if (feed.state.leaseUntil && new Date(feed.state.leaseUntil) > now) {
    throw new TrustgateError(
      'CONFLICT',
      `feed '${id}' is being polled (until ${feed.state.leaseUntil}); try again later`,
    );
  }
  const reenable = feed.state.status === 'disabled';
  const state: FeedRecordState = reenable
    ? { ...feed.state, status: 'active', disabledReason: null, consecutiveFailures: 0 }
    : feed.state;
  const claimed = await deps.bookkeeping.claim(feed, now, state);
  if (!claimed)
    throw new TrustgateError('CONFLICT', `feed '${id}' changed while this request ran; try again`);
  if (reenable) {
    await deps.audit(
      'feed.enable',
      feed,
      { actor, reason: 'polled by hand while disabled' },
      {
        before: { status: 'disabled', disabledReason: feed.state.disabledReason },
        after: { status: 'active' },
      },
    );
  }
  const polled = await pollClaimed(deps, feed, claimed, actor);
  if (!polled)
    throw new TrustgateError('CONFLICT', `feed '${id}' was deleted or changed while it was polled`);
  return polled;
}

/** The due feeds, most overdue first, a few at a time; a fault in one feed does not stop the rest. */
async function pollDue(deps: FeedPollerDeps, options: PollDueOptions): Promise<FeedPollingReport> {
  const report = { polled: 0, succeeded: 0, disabled: 0, candidates: 0, alerts: 0 };
  const listed = (await deps.feeds.list()).map((f) => ({
    feed: f,
    status: f.state.status,
    nextPollAt: f.state.nextPollAt,
  }));
  const due = selectDueFeeds(listed, deps.fetching.now(), options.maxFeeds ?? DEFAULT_MAX_FEEDS);
  await inPool(due, options.concurrency ?? DEFAULT_CONCURRENCY, async ({ feed }) => {
    try {
      const claimed = await deps.bookkeeping.claim(feed, deps.fetching.now());
      if (!claimed) return; // another poller took it
      const polled = await pollClaimed(deps, feed, claimed, FEED_POLLER_ACTOR);
      if (!polled) return;
      report.polled++;
      if (polled.result.outcome === 'ok' || polled.result.outcome === 'not_modified') report.succeeded++;
      if (polled.feed.state.status === 'disabled') report.disabled++;
      report.candidates += polled.candidates.length;
      report.alerts += polled.result.alerts.length;
    } catch (error) {
      console.error(`storing the poll of feed ${feed.id} failed`, error);
    }
  });
  return report;
}

/** Polling: one feed now (`POST /feeds/{id}/poll`), or the due ones (the Node timer, the Workers cron). */
export function createFeedPoller(deps: FeedPollerDeps) {
  return {
    pollNow: (id: string, actor: string) => pollNow(deps, id, actor),
    pollDue: (options: PollDueOptions = {}) => pollDue(deps, options),
  };
}
