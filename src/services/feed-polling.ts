import type { AdvisoryRepository, CandidateRepository, FeedRepository } from '../advisories';
import { createTrustRepository, type Database } from '../db';
import { createAdvisoryRepository } from '../db/advisory-repository';
import { createCandidateRepository } from '../db/candidate-repository';
import { createFeedRepository } from '../db/feed-repository';
import type { TrustRepository } from '../trust';
import { feedAuditor } from './feed-audit';
import { createFeedBookkeeping } from './feed-bookkeeping';
import { activeRootsOf, createFeedFindings } from './feed-candidates';
import {
  createFeedPoller,
  type FeedFetching,
  type FeedPollingReport,
  type PollDueOptions,
} from './feed-poller';
import { createFeedSubscriptions } from './feed-subscriptions';

export type { CandidateWithRoot } from './feed-candidates';
export {
  FEED_POLLER_ACTOR,
  type FeedPollingReport,
  type FeedPollOutcome,
  type PollDueOptions,
} from './feed-poller';

/** What the feed service works on: the feed, advisory and candidate stores, the trust store, and fetching. */
export interface FeedServiceDeps extends FeedFetching, PollDueOptions {
  feeds: FeedRepository;
  advisories: AdvisoryRepository;
  candidates: CandidateRepository;
  /** Vendors (a subscription needs one), active roots (corroboration), and the audit log. */
  trust: Pick<TrustRepository, 'getVendor' | 'listAnchors' | 'appendAudit'>;
}

/**
 * Subscriptions, polls and what they stored, as one surface for the feed routes, the Node timer and the
 * Workers cron. `maxFeeds`/`concurrency` given here are the defaults of `pollDue`.
 */
export function createFeedService(deps: FeedServiceDeps) {
  const audit = feedAuditor((entry) => deps.trust.appendAudit(entry), deps.now);
  const subscriptions = createFeedSubscriptions({
    feeds: deps.feeds,
    advisories: deps.advisories,
    vendors: deps.trust,
    audit,
    now: deps.now,
    isAllowedUrl: deps.isAllowedUrl,
  });
  const poller = createFeedPoller({
    feeds: deps.feeds,
    advisories: deps.advisories,
    candidates: deps.candidates,
    bookkeeping: createFeedBookkeeping({ feeds: deps.feeds, audit }),
    load: subscriptions.get,
    ports: {
      previousItems: (feedId) => deps.advisories.snapshots(feedId),
      activeRoots: activeRootsOf(deps.trust),
    },
    fetching: deps,
    audit,
  });
  const findings = createFeedFindings(deps);
  return {
    ...subscriptions,
    ...findings,
    pollNow: poller.pollNow,
    /** The poll step of the Node timer and the Workers cron: due feeds, most overdue first, a few at a time. */
    pollDue: (options: PollDueOptions = {}) =>
      poller.pollDue({
        maxFeeds: options.maxFeeds ?? deps.maxFeeds,
        concurrency: options.concurrency ?? deps.concurrency,
      }),
  };
}

export type FeedService = ReturnType<typeof createFeedService>;

/** What `pollDueFeeds` takes: a database rather than the stores (the platforms' call today). */
export interface FeedPollingDeps extends FeedFetching, PollDueOptions {
  db: Database;
}

/**
 * Compatibility entry, kept only until src/platform/* calls the composed service's `pollDue` instead: it
 * builds a feed service over `deps.db` for this one call (the only place services/ still makes repositories).
 * The feeds whose `nextPollAt` has passed (at most `maxFeeds`, most overdue first, `concurrency` at a time),
 * each through the pure `pollFeed`, and what it returned stored. A fault in one feed does not stop the rest.
 */
export async function pollDueFeeds(deps: FeedPollingDeps): Promise<FeedPollingReport> {
  return createFeedService({
    ...deps,
    feeds: createFeedRepository(deps.db),
    advisories: createAdvisoryRepository(deps.db),
    candidates: createCandidateRepository(deps.db),
    trust: createTrustRepository(deps.db),
  }).pollDue();
}
