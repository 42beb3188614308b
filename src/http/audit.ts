import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { stripFingerprint } from '../encoding';
import type { AuditFilter } from '../trust';
import type { AdminDeps } from './admin-deps';
import { AuditEntrySchema, auditView, bearerSecurity } from './admin-schemas';
import { ROLES } from './auth';
import { problemResponses } from './schemas';

const instant = z.string().datetime({ offset: true });

const AuditQuery = z.object({
  vendor: z.string().optional().openapi({ description: 'entries about this vendor' }),
  root: z
    .string()
    .optional()
    .openapi({ description: 'entries about this root (SHA-256 hex) or other target id' }),
  actor: z.string().optional().openapi({ description: 'entries by this token name (or seed)' }),
  since: instant.optional().openapi({ description: 'entries at or after this instant' }),
  until: instant.optional().openapi({ description: 'entries at or before this instant' }),
  after: z.coerce.number().int().min(0).optional().openapi({ description: 'entries after this id (paging)' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'default 100' }),
});

const auditRoute = createRoute({
  method: 'get',
  path: '/audit',
  summary: 'The append-only audit log, oldest first (admin or oncall). No route edits or deletes it',
  security: bearerSecurity,
  request: { query: AuditQuery },
  responses: {
    200: {
      description: 'Entries, and the id to pass as `after` for the next page (null at the end)',
      content: {
        'application/json': {
          schema: z.object({ entries: z.array(AuditEntrySchema), next: z.number().int().nullable() }),
        },
      },
    },
    ...problemResponses(400, 401, 403),
  },
});

export function registerAudit(app: OpenAPIHono, deps: AdminDeps) {
  app.openapi(auditRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const q = c.req.valid('query');
    const limit = q.limit ?? 100;
    const filter: AuditFilter = { limit };
    if (q.vendor !== undefined) filter.vendorId = q.vendor;
    if (q.root !== undefined) filter.targetId = stripFingerprint(q.root);
    if (q.actor !== undefined) filter.actor = q.actor;
    if (q.since !== undefined) filter.since = new Date(q.since).toISOString();
    if (q.until !== undefined) filter.until = new Date(q.until).toISOString();
    if (q.after !== undefined) filter.afterId = q.after;
    const entries = await deps.admin.listAudit(filter);
    const last = entries[entries.length - 1];
    return c.json(
      { entries: entries.map(auditView), next: entries.length === limit && last ? last.id : null },
      200,
    );
  });
}
