import {
  type AdvisoryRepository,
  type FeedRepository,
  initialFeedState,
  newFeedState,
  type StoredFeed,
  type UrlGuard,
} from '../../advisories';
import { toHex } from '../../encoding';
import { TrustgateError } from '../../errors';
import type { TrustRepository } from '../../trust';
import type { FeedAuditor } from './audit';

export interface FeedSubscriptionDeps {
  feeds: FeedRepository;
  advisories: Pick<AdvisoryRepository, 'deleteFeed'>;
  vendors: Pick<TrustRepository, 'getVendor'>;
  audit: FeedAuditor;
  now: () => Date;
  isAllowedUrl?: UrlGuard | undefined;
}

export interface SubscribeInput {
  vendorId: string;
  url: string;
  pollIntervalSeconds?: number | null;
  actor: string;
  reason: string | null;
}

/** What the audit log keeps of a subscription. */
const subscription = (f: StoredFeed) => ({
  id: f.id,
  vendorId: f.vendorId,
  url: f.url,
  status: f.state.status,
});

async function refuseTaken(feeds: FeedRepository, vendorId: string, url: string) {
  const existing = await feeds.findByUrl(vendorId, url);
  if (existing)
    throw new TrustgateError('FEED_EXISTS', `vendor '${vendorId}' already has this feed: ${existing.id}`, {
      feedId: existing.id,
    });
}

/** One new subscription: the vendor must exist, the URL pass the guard and not be followed already. */
async function subscribe(deps: FeedSubscriptionDeps, input: SubscribeInput): Promise<StoredFeed> {
  if (!(await deps.vendors.getVendor(input.vendorId)))
    throw new TrustgateError('NOT_FOUND', `no vendor '${input.vendorId}'`);
  const id = `feed_${toHex(crypto.getRandomValues(new Uint8Array(10)))}`;
  const pollIntervalSeconds = input.pollIntervalSeconds ?? null;
  const made = newFeedState(
    { id, vendorId: input.vendorId, url: input.url, pollIntervalSeconds },
    ...(deps.isAllowedUrl ? [deps.isAllowedUrl] : []),
  );
  if (!made.ok) {
    throw new TrustgateError(
      made.reason === 'url_not_allowed' ? 'FEED_URL_NOT_ALLOWED' : 'INVALID_FIELD',
      `url: ${made.detail}`,
    );
  }
  await refuseTaken(deps.feeds, input.vendorId, made.feed.url);
  const feed: StoredFeed = {
    id,
    vendorId: input.vendorId,
    url: made.feed.url,
    createdBy: input.actor,
    createdAt: deps.now().toISOString(),
    state: initialFeedState(pollIntervalSeconds),
  };
  if (!(await deps.feeds.insert(feed))) {
    await refuseTaken(deps.feeds, input.vendorId, made.feed.url); // a concurrent subscription of the same URL won
    throw new Error(`inserting feed ${id} failed`);
  }
  await deps.audit('feed.subscribe', feed, input, { before: null, after: subscription(feed) });
  return feed;
}

export interface SeedFeed {
  vendorId: string;
  url: string;
}

/** Each listed feed not subscribed yet is subscribed as `seed`; one refused is skipped with the reason. */
async function subscribeSeedFeeds(
  list: readonly SeedFeed[],
  subscribe: (input: SubscribeInput) => Promise<StoredFeed>,
  subscribed: (vendorId: string, url: string) => Promise<StoredFeed | null>,
) {
  const added: StoredFeed[] = [];
  const skipped: (SeedFeed & { why: string })[] = [];
  for (const entry of list) {
    if (await subscribed(entry.vendorId, entry.url)) continue;
    try {
      added.push(
        await subscribe({ ...entry, actor: 'seed', reason: 'listed in trust-store/<vendor>/vendor.json' }),
      );
    } catch (error) {
      if (error instanceof TrustgateError && error.code === 'FEED_EXISTS') continue;
      if (error instanceof TrustgateError) skipped.push({ ...entry, why: error.detail });
      else throw error;
    }
  }
  return { subscribed: added, skipped };
}

/** Which vendor follows which feed URL: subscribing (one URL per vendor), listing, unsubscribing. */
export function createFeedSubscriptions(deps: FeedSubscriptionDeps) {
  const { feeds } = deps;
  const guard = deps.isAllowedUrl ? [deps.isAllowedUrl] : [];

  async function get(id: string): Promise<StoredFeed> {
    const feed = await feeds.get(id);
    if (!feed) throw new TrustgateError('NOT_FOUND', `no feed '${id}'`);
    return feed;
  }

  async function unsubscribe(id: string, actor: string, reason: string | null): Promise<StoredFeed> {
    const feed = await get(id);
    if (!(await feeds.delete(id))) throw new TrustgateError('NOT_FOUND', `no feed '${id}'`);
    await deps.advisories.deleteFeed(id);
    await deps.audit(
      'feed.unsubscribe',
      feed,
      { actor, reason },
      { before: subscription(feed), after: null },
    );
    return feed;
  }

  return {
    subscribe: (input: SubscribeInput) => subscribe(deps, input),
    get,
    unsubscribe,
    /**
     * Subscribes the feeds `vendor.json` lists (the seed report's `feeds`) that are not subscribed yet.
     * A URL the guard refuses is skipped with the reason, never fatal.
     */
    subscribeSeedFeeds: (list: readonly SeedFeed[]) =>
      subscribeSeedFeeds(
        list,
        (input) => subscribe(deps, input),
        (vendorId, url) => {
          const normalized = newFeedState({ id: 'seed', vendorId, url }, ...guard);
          return normalized.ok ? feeds.findByUrl(vendorId, normalized.feed.url) : Promise.resolve(null);
        },
      ),
    list: (filter?: { vendorId?: string }) => feeds.list(filter),
  };
}

export type FeedSubscriptions = ReturnType<typeof createFeedSubscriptions>;
