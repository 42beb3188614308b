import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TrustgateError } from '../errors';
import type { Vendor } from '../trust';
import type { Refusal } from '../trust/root-proposal';
import type { Principal } from '../trust/tokens';
import {
  approveVendorChange,
  proposeVendorChange,
  type VendorChange,
  type VendorChangeFields,
  withdrawVendorChange,
} from '../trust/vendor-changes';
import { toHex } from '../verify';
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
  vendorFields,
  vendorView,
} from './admin-schemas';
import { ROLES } from './auth';
import { etagOf } from './etag';
import { problemResponses } from './schemas';
import { tokenLineage } from './token-lineage';

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
  id: change.id,
  vendor: change.vendorId,
  state: change.state,
  baseVersion: change.baseVersion,
  changes: change.changes as z.infer<typeof VendorChangeSchema>['changes'],
  reason: change.reason,
  proposedBy: change.proposedBy,
  proposedAt: change.proposedAt,
  decidedBy: change.decidedBy,
  decidedAt: change.decidedAt,
});

const newVendorChangeId = (deps: AdminDeps): string => `chg_${toHex(deps.random(new Uint8Array(12)))}`;

/** Stores a proposal of `changes` to `vendor` by `actor`, audited; answers it as the wire shows it. */
export async function storeProposal(
  deps: AdminDeps,
  actor: Principal,
  vendor: Vendor,
  changes: VendorChangeFields,
  reason: string | undefined,
) {
  if (!reason) {
    throw new TrustgateError(
      'INVALID_FIELD',
      'reason is required to propose a change of contacts, identity rules or the revocation policy back to best-effort (a second admin approves it)',
    );
  }
  const change = proposeVendorChange({
    id: newVendorChangeId(deps),
    vendor,
    changes,
    reason,
    proposedBy: actor.name,
    now: deps.now(),
  });
  await deps.trust.insertVendorChangeAudited(change, {
    at: change.proposedAt,
    actor: actor.name,
    action: 'vendor.change.propose',
    targetType: 'vendor_change',
    targetId: change.id,
    vendorId: vendor.id,
    reason,
    before: null,
    after: vendorChangeView(change),
  });
  return vendorChangeView(change);
}

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

async function load(deps: AdminDeps, vendorId: string, changeId: string): Promise<[Vendor, VendorChange]> {
  const vendor = await deps.trust.getVendor(vendorId);
  if (!vendor) throw new TrustgateError('NOT_FOUND', `no vendor '${vendorId}'`);
  const change = await deps.trust.getVendorChange(vendorId, changeId);
  if (!change) throw new TrustgateError('NOT_FOUND', `no change '${changeId}' for vendor '${vendorId}'`);
  return [vendor, change];
}

const refuse = (refusal: Refusal): never => {
  throw new TrustgateError(refusal.code, refusal.detail);
};

export function registerVendorChanges(app: OpenAPIHono, deps: AdminDeps) {
  app.openapi(listRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const id = c.req.valid('param').id;
    if (!(await deps.trust.getVendor(id))) throw new TrustgateError('NOT_FOUND', `no vendor '${id}'`);
    return c.json({ changes: (await deps.trust.listVendorChanges(id)).map(vendorChangeView) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const { id, changeId } = c.req.valid('param');
    const [vendor, change] = await load(deps, id, changeId);
    return c.json({ ...vendorChangeView(change), current: vendorView(vendor) }, 200);
  });

  app.openapi(approveRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const { id, changeId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const [vendor, change] = await load(deps, id, changeId);
    const decision = approveVendorChange(change, vendor, actor.name, deps.now(), {
      proposer: await tokenLineage(deps, change.proposedBy),
      approver: await tokenLineage(deps, actor.name),
    });
    if (!decision.ok) return refuse(decision);
    const written = await deps.trust.approveVendorChangeAudited(decision.change, decision.vendor, {
      at: decision.vendor.updatedAt,
      actor: actor.name,
      action: 'vendor.change.approve',
      targetType: 'vendor',
      targetId: id,
      vendorId: id,
      reason,
      before: vendorFields(vendor),
      after: { ...vendorFields(decision.vendor), change: change.id, proposedBy: change.proposedBy },
    });
    if (!written) {
      throw new TrustgateError(
        'INVALID_STATE',
        'the vendor or the change moved on while this request ran; read them again',
      );
    }
    return c.json({ vendor: vendorView(decision.vendor), change: vendorChangeView(decision.change) }, 200, {
      ETag: etagOf(decision.vendor.version),
    });
  });

  app.openapi(withdrawRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const { id, changeId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const [, change] = await load(deps, id, changeId);
    const decision = withdrawVendorChange(change, actor.name, deps.now());
    if (!decision.ok) return refuse(decision);
    const written = await deps.trust.withdrawVendorChangeAudited(decision.change, {
      at: decision.change.decidedAt ?? deps.now().toISOString(),
      actor: actor.name,
      action: 'vendor.change.withdraw',
      targetType: 'vendor_change',
      targetId: change.id,
      vendorId: id,
      reason,
      before: { state: change.state },
      after: { state: decision.change.state },
    });
    if (!written) throw new TrustgateError('INVALID_STATE', 'the change is no longer pending; read it again');
    return c.json(vendorChangeView(decision.change), 200);
  });
}
