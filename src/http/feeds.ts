import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { StoredFeed } from '../advisories';
import type { FeedPollOutcome } from '../services/feeds';
import type { FeedRouteDeps } from './admin-deps';
import { bearerSecurity, json, ReasonField, VendorIdParam } from './admin-schemas';
import { ROLES } from './auth';
import { CandidateSchema, candidateView } from './candidates';
import { problemResponses } from './schemas';

/** What the feed, candidate and advisory routes need. */
export const FeedSchema = z
  .object({
    id: z.string(),
    vendor: z.string(),
    url: z.string(),
    status: z.enum(['active', 'disabled']),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: 'why the feed is no longer polled (410 Gone, a long run of failures)' }),
    consecutiveFailures: z.number().int(),
    lastOutcome: z
      .string()
      .nullable()
      .openapi({ description: 'ok | not_modified | retry_later | gone | error' }),
    lastError: z.string().nullable(),
    lastPolledAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    nextPollAt: z.string().nullable().openapi({
      description: 'null: due now (never polled) or disabled; while a poll runs, the end of its hold',
    }),
    polling: z.boolean().openapi({ description: 'a poll of this feed is running' }),
    pollIntervalSeconds: z.number().int().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Feed');

export const feedView = (f: StoredFeed, now: Date) => {
  const polling = f.state.leaseUntil !== null && new Date(f.state.leaseUntil) > now;
  return {
    id: f.id,
    vendor: f.vendorId,
    url: f.url,
    status: f.state.status,
    disabledReason: f.state.disabledReason,
    consecutiveFailures: f.state.consecutiveFailures,
    lastOutcome: f.state.lastOutcome,
    lastError: f.state.lastError,
    lastPolledAt: f.state.lastPolledAt,
    lastSuccessAt: f.state.lastSuccessAt,
    nextPollAt: f.state.nextPollAt,
    polling,
    pollIntervalSeconds: f.state.pollIntervalSeconds,
    createdBy: f.createdBy,
    createdAt: f.createdAt,
  };
};

const PolledItemSchema = z.object({
  guid: z.string(),
  title: z.string(),
  link: z.string().nullable(),
  published: z.string().nullable(),
  change: z.enum(['new', 'edited', 'unchanged']),
  contentHash: z.string(),
  fingerprintsChanged: z.boolean().openapi({ description: 'an edit changed what the item announces' }),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  certificates: z.array(
    z.object({ sha256: z.string(), spkiSha256: z.string(), subject: z.string(), issuer: z.string() }),
  ),
  certificateErrors: z.array(z.string()),
});

const PollResultSchema = z
  .object({
    feed: FeedSchema,
    outcome: z.enum(['ok', 'not_modified', 'retry_later', 'gone', 'error']),
    finalUrl: z.string().nullable(),
    items: z.array(PolledItemSchema),
    itemErrors: z.array(
      z.object({
        index: z.number().int(),
        guid: z.string().nullable(),
        reason: z.string(),
        recovered: z.boolean(),
      }),
    ),
    candidates: z.array(CandidateSchema),
    alerts: z.array(
      z.object({
        itemGuid: z.string(),
        itemLink: z.string().nullable(),
        added: z.array(z.string()),
        removed: z.array(z.string()),
      }),
    ),
    certificateFetches: z.array(
      z.object({
        itemGuid: z.string(),
        url: z.string(),
        certificates: z.number().int(),
        error: z.string().nullable(),
      }),
    ),
  })
  .openapi('FeedPollResult');

const pollView = (polled: FeedPollOutcome, now: Date) => ({
  feed: feedView(polled.feed, now),
  outcome: polled.result.outcome,
  finalUrl: polled.result.finalUrl,
  items: polled.result.items.map((i) => ({
    guid: i.item.guid,
    title: i.item.title,
    link: i.item.link,
    published: i.item.published,
    change: i.diff.change,
    contentHash: i.snapshot.contentHash,
    fingerprintsChanged: i.diff.change === 'edited' && i.diff.fingerprintsChanged,
    added: i.diff.change === 'edited' ? i.diff.added : [],
    removed: i.diff.removed,
    certificates: i.certificates,
    certificateErrors: i.certificateErrors,
  })),
  itemErrors: polled.result.itemErrors,
  candidates: polled.candidates.map((c) => candidateView({ ...c, root: null })),
  alerts: polled.result.alerts.map(({ itemGuid, itemLink, added, removed }) => ({
    itemGuid,
    itemLink,
    added,
    removed,
  })),
  certificateFetches: polled.result.certificateFetches,
});

const FeedIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'feed_0123456789abcdef0123' }),
});

const SubscribeSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .max(2048)
      .openapi({ description: 'http(s) URL of an RSS, Atom or CSAF ROLIE feed' }),
    pollIntervalSeconds: z
      .number()
      .int()
      .min(300)
      .max(7 * 24 * 3600)
      .optional()
      .openapi({ description: 'base interval between polls (jittered); default one hour' }),
    reason: ReasonField.optional(),
  })
  .strict()
  .openapi('SubscribeFeed');

const listRoute = createRoute({
  method: 'get',
  path: '/feeds',
  summary: 'Subscribed feeds with their poll state; a disabled feed says why (admin or oncall)',
  security: bearerSecurity,
  request: { query: z.object({ vendor: z.string().max(64).optional() }) },
  responses: {
    200: { description: 'Feeds', ...json(z.object({ feeds: z.array(FeedSchema) })) },
    ...problemResponses(400, 401, 403),
  },
});

const subscribeRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/feeds',
  summary: "Subscribe one of the vendor's advisory feeds (admin); polled on its own schedule from now on",
  security: bearerSecurity,
  request: { params: VendorIdParam, body: { required: true, ...json(SubscribeSchema) } },
  responses: {
    201: { description: 'Subscribed', ...json(FeedSchema) },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/feeds/{id}',
  summary: 'Unsubscribe a feed and forget its items (admin); candidates it made stay, with their provenance',
  security: bearerSecurity,
  request: {
    params: FeedIdParam,
    query: z.object({ reason: z.string().trim().min(1).max(2000).optional() }),
  },
  responses: {
    204: { description: 'Unsubscribed' },
    ...problemResponses(401, 403, 404),
  },
});

const pollRoute = createRoute({
  method: 'post',
  path: '/feeds/{id}/poll',
  summary:
    'Poll one feed now and answer what it found (admin). A disabled feed is enabled again by this (audited).',
  security: bearerSecurity,
  request: { params: FeedIdParam },
  responses: {
    200: {
      description: 'What the poll found (a failed fetch is an outcome, not an error)',
      ...json(PollResultSchema),
    },
    ...problemResponses(401, 403, 404, 409),
  },
});

export function registerFeeds(app: OpenAPIHono, deps: FeedRouteDeps & { now: () => Date }) {
  app.openapi(listRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const { vendor } = c.req.valid('query');
    const now = deps.now();
    const list = await deps.feeds.list(vendor ? { vendorId: vendor } : {});
    return c.json({ feeds: list.map((f) => feedView(f, now)) }, 200);
  });

  app.openapi(subscribeRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const body = c.req.valid('json');
    const feed = await deps.feeds.subscribe({
      vendorId: c.req.valid('param').id,
      url: body.url,
      pollIntervalSeconds: body.pollIntervalSeconds ?? null,
      actor: actor.name,
      reason: body.reason ?? null,
    });
    return c.json(feedView(feed, deps.now()), 201, { Location: `/feeds/${feed.id}` });
  });

  app.openapi(deleteRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    await deps.feeds.unsubscribe(c.req.valid('param').id, actor.name, c.req.valid('query').reason ?? null);
    return c.body(null, 204);
  });

  app.openapi(pollRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const polled = await deps.feeds.pollNow(c.req.valid('param').id, actor.name);
    return c.json(pollView(polled, deps.now()), 200);
  });
}
