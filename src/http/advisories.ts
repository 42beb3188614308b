import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { StoredAdvisory } from '../advisories';
import type { FeedRouteDeps } from './admin-deps';
import { bearerSecurity } from './admin-schemas';
import { ROLES } from './auth';
import { problemResponses } from './schemas';

const AdvisorySchema = z
  .object({
    vendor: z.string(),
    feedId: z.string(),
    feedUrl: z.string(),
    guid: z.string(),
    title: z.string(),
    link: z.string().nullable(),
    published: z.string().nullable(),
    contentHash: z
      .string()
      .openapi({ description: 'SHA-256 of the item as last fetched: an edit changes it' }),
    firstSeen: z.string(),
    lastSeen: z.string(),
    extracted: z.object({
      fingerprints: z.array(
        z.object({ algorithm: z.string(), hex: z.string(), form: z.string(), context: z.string() }),
      ),
      pems: z.number().int().openapi({ description: 'inline PEM certificates in the text' }),
      certificateLinks: z.array(z.string()),
      certificates: z.array(
        z.object({ sha256: z.string(), spkiSha256: z.string(), subject: z.string(), issuer: z.string() }),
      ),
      certificateErrors: z.array(z.string()),
    }),
    incomplete: z
      .boolean()
      .openapi({ description: 'a linked certificate file failed: the next poll tries again' }),
    fingerprintsChanged: z.boolean().openapi({
      description: 'LOUD: an edit of this item changed the fingerprints or certificates it announces',
    }),
    edits: z.array(
      z.object({
        at: z.string(),
        previousContentHash: z.string(),
        contentHash: z.string(),
        fingerprintsChanged: z.boolean(),
        added: z.array(z.string()),
        removed: z.array(z.string()),
      }),
    ),
  })
  .openapi('Advisory');

const advisoryView = (a: StoredAdvisory): z.infer<typeof AdvisorySchema> => ({
  vendor: a.vendorId,
  feedId: a.feedId,
  feedUrl: a.data.feedUrl,
  guid: a.guid,
  title: a.data.title,
  link: a.data.link,
  published: a.data.published,
  contentHash: a.contentHash,
  firstSeen: a.firstSeen,
  lastSeen: a.lastSeen,
  extracted: a.data.extracted,
  incomplete: a.data.incomplete,
  fingerprintsChanged: a.data.fingerprintsChanged,
  edits: a.data.edits,
});

const listRoute = createRoute({
  method: 'get',
  path: '/advisories',
  summary: 'Feed items per vendor with what was extracted from them and their edits (admin or oncall)',
  security: bearerSecurity,
  request: {
    query: z.object({
      vendor: z.string().max(64).optional(),
      feed: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Items, by vendor, newest first',
      content: { 'application/json': { schema: z.object({ advisories: z.array(AdvisorySchema) }) } },
    },
    ...problemResponses(400, 401, 403),
  },
});

export function registerAdvisories(app: OpenAPIHono, deps: FeedRouteDeps) {
  app.openapi(listRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const { vendor, feed, limit } = c.req.valid('query');
    const rows = await deps.feeds.listAdvisories({
      ...(vendor ? { vendorId: vendor } : {}),
      ...(feed ? { feedId: feed } : {}),
      ...(limit ? { limit } : {}),
    });
    return c.json({ advisories: rows.map(advisoryView) }, 200);
  });
}
