import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { vendorChangeRecord } from '../trust/audit-states';
import type { VendorChange } from '../trust/vendor-changes';
import type { AdminDeps } from './admin-deps';
import {
  bearerSecurity,
  ContactSchema,
  ETagHeader,
  IdentityRuleWire,
  json,
  ReasonField,
  RevocationPolicyField,
  VendorIdParam,
  VendorSchema,
  vendorView,
} from './admin-schemas';
import { ROLES } from './auth';
import { etagOf } from './etag';
import { problemResponses } from './schemas';

/**
 * Pending changes to a vendor's contacts, identity rules or (back to best-effort) revocation policy (proposed by PATCH /vendors/{id}, answered
 * 202): listed, approved by a second admin, or withdrawn. See trust/vendor-changes.ts.
 */

export const VendorChangeSchema = z
  .object({
    id: z.string(),
    vendor: z.string(),
    state: z.enum(['pending', 'approved', 'withdrawn']),
    baseVersion: z.number().int().openapi({ description: 'the vendor version it was proposed against' }),
    changes: z.object({
      name: z.string().optional(),
      contacts: z.array(ContactSchema).optional(),
      identityRules: z.array(IdentityRuleWire).optional(),
      revocationPolicy: RevocationPolicyField.optional(),
    }),
    reason: z.string(),
    proposedBy: z.string(),
    proposedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })
  .openapi('VendorChange');

export const vendorChangeView = (change: VendorChange) => ({
  ...vendorChangeRecord(change),
  changes: change.changes as z.infer<typeof VendorChangeSchema>['changes'],
});

const ChangeParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'acme' }),
  changeId: z
    .string()
    .openapi({ param: { name: 'changeId', in: 'path' }, example: 'chg_0123456789abcdef01234567' }),
});
const ReasonBody = z.object({ reason: ReasonField }).strict().openapi('VendorChangeAction');

const listRoute = createRoute({
  method: 'get',
  path: '/vendors/{id}/changes',
  summary: 'Proposed changes to a vendor, newest first (admin or oncall)',
  security: bearerSecurity,
  request: { params: VendorIdParam },
  responses: {
    200: { description: 'Changes', ...json(z.object({ changes: z.array(VendorChangeSchema) })) },
    ...problemResponses(401, 403, 404),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/vendors/{id}/changes/{changeId}',
  summary: 'One proposed change, with the vendor as it is now (admin or oncall)',
  security: bearerSecurity,
  request: { params: ChangeParams },
  responses: {
    200: {
      description: 'The change and the current vendor',
      ...json(VendorChangeSchema.extend({ current: VendorSchema })),
    },
    ...problemResponses(401, 403, 404),
  },
});

const approveRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/changes/{changeId}/approve',
  summary:
    'Apply a pending change (an admin independent of the proposer: 403 SELF_APPROVAL_FORBIDDEN; 409 INVALID_STATE when the vendor changed since)',
  security: bearerSecurity,
  request: { params: ChangeParams, body: { required: true, ...json(ReasonBody) } },
  responses: {
    200: {
      description: 'The vendor after the change, and the change',
      headers: ETagHeader,
      ...json(z.object({ vendor: VendorSchema, change: VendorChangeSchema })),
    },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const withdrawRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/changes/{changeId}/withdraw',
  summary: 'Withdraw a pending change; the vendor stays as it is (admin, the proposer included)',
  security: bearerSecurity,
  request: { params: ChangeParams, body: { required: true, ...json(ReasonBody) } },
  responses: {
    200: { description: 'The withdrawn change', ...json(VendorChangeSchema) },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export function registerVendorChanges(app: OpenAPIHono, { admin, auth }: AdminDeps) {
  app.openapi(listRoute, async (c) => {
    await auth.require(c, ROLES.read);
    const changes = await admin.listVendorChanges(c.req.valid('param').id);
    return c.json({ changes: changes.map(vendorChangeView) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    await auth.require(c, ROLES.read);
    const { id, changeId } = c.req.valid('param');
    const { vendor, change } = await admin.getVendorChange(id, changeId);
    return c.json({ ...vendorChangeView(change), current: vendorView(vendor) }, 200);
  });

  app.openapi(approveRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const { id, changeId } = c.req.valid('param');
    const { vendor, change } = await admin.approveVendorChange(
      actor,
      id,
      changeId,
      c.req.valid('json').reason,
    );
    return c.json({ vendor: vendorView(vendor), change: vendorChangeView(change) }, 200, {
      ETag: etagOf(vendor.version),
    });
  });

  app.openapi(withdrawRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const { id, changeId } = c.req.valid('param');
    const change = await admin.withdrawVendorChange(actor, id, changeId, c.req.valid('json').reason);
    return c.json(vendorChangeView(change), 200);
  });
}
