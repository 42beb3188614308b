import type { AdvisoryRepository, CandidateRepository, FeedRepository } from '../../advisories';
import type { TrustRepository } from '../../trust';
import { feedAuditor } from './audit';
import { createFeedBookkeeping } from './bookkeeping';
import { activeRootsOf, createFeedFindings } from './candidates';
import { createFeedPoller, type FeedFetching, type PollDueOptions } from './poller';
import { createFeedSubscriptions } from './subscriptions';

export { type AdvisoryEvidenceDeps, createAdvisoryEvidence } from './advisory-evidence';
export { activeRootsOf, type CandidateWithRoot } from './candidates';
export {
  FEED_POLLER_ACTOR,
  type FeedPollingReport,
  type FeedPollOutcome,
  type PollDueOptions,
} from './poller';

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
