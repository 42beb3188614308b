import {
  type FeedRecordState,
  type FeedRepository,
  type FeedState,
  nextPollAt,
  type PollResult,
  type StoredFeed,
} from '../../advisories';
import type { FeedAuditor } from './audit';

/** How long one poll holds a feed: another poller skips it meanwhile, and a crashed one's hold runs out. */
export const LEASE_SECONDS = 15 * 60;

/** The feed's state while one poll holds it: the lease set, `rev` bumped (`state` may re-enable it first). */
export function claimedState(
  feed: StoredFeed,
  now: Date,
  state: FeedRecordState = feed.state,
): FeedRecordState {
  const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();
  return {
    ...state,
    rev: feed.state.rev + 1,
    leaseUntil,
    nextPollAt: state.status === 'active' ? leaseUntil : state.nextPollAt,
  };
}

/** The feed's state after a poll: what `pollFeed` decided (schedule, validators, backoff), lease released. */
export function polledState(claimed: FeedRecordState, result: PollResult): FeedRecordState {
  const s = result.feedStatus;
  return {
    ...claimed,
    rev: claimed.rev + 1,
    etag: s.etag,
    lastModified: s.lastModified,
    status: s.status,
    disabledReason: s.disabledReason,
    consecutiveFailures: s.consecutiveFailures,
    nextPollAt: s.nextPollAt,
    leaseUntil: null,
    lastPolledAt: s.lastPolledAt,
    lastSuccessAt: s.lastSuccessAt ?? claimed.lastSuccessAt,
    lastError: s.lastError,
    lastOutcome: result.outcome,
  };
}

/**
 * What a poll that threw counts as: a failed poll (`internal_error`) with the backoff the schedule gives a
 * failure, so a feed that keeps crashing the poller is polled less often and in the end disabled.
 */
export function faultedPoll(
  feed: FeedState,
  claimed: FeedRecordState,
  error: unknown,
  now: Date,
  random: () => number,
): PollResult {
  const outcome = {
    kind: 'error' as const,
    reason: 'internal_error',
    detail: String((error as Error)?.message ?? error),
  };
  const decision = nextPollAt(feed, outcome, now, random);
  return {
    feedId: feed.id,
    outcome: 'error',
    finalUrl: null,
    items: [],
    itemErrors: [],
    candidates: [],
    alerts: [],
    certificateFetches: [],
    nextPollAt: decision.nextPollAt,
    feedStatus: {
      etag: claimed.etag,
      lastModified: claimed.lastModified,
      status: decision.status,
      disabledReason: decision.disabledReason,
      consecutiveFailures: decision.consecutiveFailures,
      lastError: decision.lastError,
      lastPolledAt: now.toISOString(),
      lastSuccessAt: null,
      nextPollAt: decision.nextPollAt?.toISOString() ?? null,
    },
  };
}

/**
 * The feed row's side of a poll, under optimistic concurrency on `rev`: taking the feed (the lease) and
 * storing the state the poll left it in. Null/false answers mean another poller or a deletion got there first.
 */
export function createFeedBookkeeping(deps: { feeds: FeedRepository; audit: FeedAuditor }) {
  return {
    /** Takes the feed for one poll, or null when another poller holds it or it moved on. */
    async claim(feed: StoredFeed, now: Date, state: FeedRecordState = feed.state) {
      const claimed = claimedState(feed, now, state);
      return (await deps.feeds.updateState(feed.id, claimed, feed.state.rev)) ? claimed : null;
    },

    /** Stores the feed's state after a poll; null when the feed was deleted or taken over meanwhile. */
    async release(
      feed: StoredFeed,
      claimed: FeedRecordState,
      result: PollResult,
      actor: string,
    ): Promise<StoredFeed | null> {
      const next = polledState(claimed, result);
      if (!(await deps.feeds.updateState(feed.id, next, claimed.rev))) return null;
      if (claimed.status === 'active' && next.status === 'disabled') {
        console.warn(`FEED DISABLED ${feed.id} (${feed.vendorId}, ${feed.url}): ${next.disabledReason}`);
        await deps.audit(
          'feed.disable',
          feed,
          { actor, reason: next.disabledReason },
          {
            before: { status: 'active' },
            after: { status: 'disabled', disabledReason: next.disabledReason, lastError: next.lastError },
          },
        );
      }
      return { ...feed, state: next };
    },
  };
}

export type FeedBookkeeping = ReturnType<typeof createFeedBookkeeping>;
