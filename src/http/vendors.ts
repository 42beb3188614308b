import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TrustgateError } from '../errors';
import { type Contact, isVendorId, type Vendor } from '../trust';
import { identityRulesSchema } from '../trust/identity-rules';
import {
  applyVendorChange,
  changedFields,
  needsSecondAdmin,
  type VendorChangeFields,
} from '../trust/vendor-changes';
import type { AdminDeps } from './admin-deps';
import {
  bearerSecurity,
  ContactSchema,
  ETagHeader,
  IdentityRuleWire,
  json,
  RevocationPolicyField,
  VendorIdParam,
  VendorSchema,
  vendorFields,
  vendorView,
} from './admin-schemas';
import { ROLES } from './auth';
import { checkIfMatch, etagOf } from './etag';
import { problemResponses } from './schemas';
import { storeProposal, VendorChangeSchema } from './vendor-changes';

const rulesField = z
  .array(IdentityRuleWire)
  .max(50)
  .superRefine((rules, ctx) => {
    const parsed = identityRulesSchema.safeParse(rules);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });

const CreateVendorSchema = z
  .object({
    id: z.string().openapi({ description: 'lower-case id: [a-z0-9][a-z0-9._-]{0,63}', example: 'acme' }),
    name: z.string().trim().min(1).max(200),
    contacts: z.array(ContactSchema).max(50).optional(),
    identityRules: rulesField.optional(),
    revocationPolicy: RevocationPolicyField.optional(),
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .openapi('CreateVendor');

const PatchVendorSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    contacts: z.array(ContactSchema).max(50).optional(),
    identityRules: rulesField.optional(),
    revocationPolicy: RevocationPolicyField.optional(),
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .openapi('PatchVendor');

const listVendorsRoute = createRoute({
  method: 'get',
  path: '/vendors',
  summary: 'List vendors (admin or oncall)',
  security: bearerSecurity,
  responses: {
    200: { description: 'Vendors', ...json(z.object({ vendors: z.array(VendorSchema) })) },
    ...problemResponses(401, 403),
  },
});

const createVendorRoute = createRoute({
  method: 'post',
  path: '/vendors',
  summary:
    'Create a vendor (admin); its revocation policy applies at once, contacts and identity rules are proposed, not applied (reason required)',
  security: bearerSecurity,
  request: { body: { required: true, ...json(CreateVendorSchema) } },
  responses: {
    201: {
      description:
        'Created. Contacts and identity rules given here are not applied: they are proposed (`pendingChange`) for a second admin to approve',
      headers: ETagHeader,
      ...json(VendorSchema.extend({ pendingChange: VendorChangeSchema.optional() })),
    },
    ...problemResponses(400, 401, 403, 409),
  },
});

const getVendorRoute = createRoute({
  method: 'get',
  path: '/vendors/{id}',
  summary: 'One vendor, with its ETag (admin or oncall)',
  security: bearerSecurity,
  request: { params: VendorIdParam },
  responses: {
    200: { description: 'The vendor', headers: ETagHeader, ...json(VendorSchema) },
    ...problemResponses(401, 403, 404),
  },
});

const patchVendorRoute = createRoute({
  method: 'patch',
  path: '/vendors/{id}',
  summary:
    'Change the name or move the revocation policy to `require` (applied: 200), or propose a change to escalation contacts, signer identity rules or a revocation policy back to `best-effort` (202: a second admin approves it at /vendors/{id}/changes/{changeId}/approve; reason required). Admin; If-Match required',
  security: bearerSecurity,
  request: {
    params: VendorIdParam,
    headers: z.object({ 'if-match': z.string().optional().openapi({ description: 'the ETag you read' }) }),
    body: { required: true, ...json(PatchVendorSchema) },
  },
  responses: {
    200: { description: 'The changed vendor', headers: ETagHeader, ...json(VendorSchema) },
    202: {
      description:
        'Contacts, identity rules or a widening revocation policy: proposed (with the rest of the patch), waiting for a second admin',
      ...json(VendorChangeSchema),
    },
    ...problemResponses(400, 401, 403, 404, 412, 428),
  },
});

async function loadVendor(deps: AdminDeps, id: string): Promise<Vendor> {
  const vendor = await deps.trust.getVendor(id);
  if (!vendor) throw new TrustgateError('NOT_FOUND', `no vendor '${id}'`);
  return vendor;
}

export function registerVendors(app: OpenAPIHono, deps: AdminDeps) {
  app.openapi(listVendorsRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    return c.json({ vendors: (await deps.trust.listVendors()).map(vendorView) }, 200);
  });

  app.openapi(createVendorRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const body = c.req.valid('json');
    if (!isVendorId(body.id)) {
      throw new TrustgateError('INVALID_FIELD', 'id must match [a-z0-9][a-z0-9._-]{0,63}');
    }
    if (await deps.trust.getVendor(body.id)) {
      throw new TrustgateError('VENDOR_EXISTS', `vendor '${body.id}' exists`);
    }
    const at = deps.now().toISOString();
    // Contacts and identity rules take two admins from the start too: the vendor is created without them
    // and they are proposed, so that one admin cannot set them for roots that become active later. A
    // revocation policy is no widening at creation (best-effort is the default), so it applies.
    const vendor: Vendor = {
      id: body.id,
      name: body.name,
      contacts: [],
      identityRules: [],
      revocationPolicy: body.revocationPolicy ?? 'best-effort',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    const proposed = changedFields(vendor, {
      ...(body.contacts !== undefined ? { contacts: body.contacts as Contact[] } : {}),
      ...(body.identityRules !== undefined ? { identityRules: body.identityRules } : {}),
    });
    const needsApproval = needsSecondAdmin(proposed);
    if (needsApproval && !body.reason) {
      throw new TrustgateError(
        'INVALID_FIELD',
        'reason is required with contacts or identity rules (they are proposed for a second admin to approve)',
      );
    }
    try {
      await deps.trust.insertVendorAudited(vendor, {
        at,
        actor: actor.name,
        action: 'vendor.create',
        targetType: 'vendor',
        targetId: vendor.id,
        vendorId: vendor.id,
        reason: body.reason ?? null,
        before: null,
        after: vendorView(vendor),
      });
    } catch (error) {
      // A concurrent create of the same id lost the race on the primary key.
      if (await deps.trust.getVendor(vendor.id))
        throw new TrustgateError('VENDOR_EXISTS', `vendor '${vendor.id}' exists`);
      throw error;
    }
    const pendingChange = needsApproval
      ? await storeProposal(deps, actor, vendor, proposed, body.reason)
      : undefined;
    return c.json({ ...vendorView(vendor), ...(pendingChange ? { pendingChange } : {}) }, 201, {
      ETag: etagOf(vendor.version),
    });
  });

  app.openapi(getVendorRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const vendor = await loadVendor(deps, c.req.valid('param').id);
    return c.json(vendorView(vendor), 200, { ETag: etagOf(vendor.version) });
  });

  app.openapi(patchVendorRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const current = await loadVendor(deps, c.req.valid('param').id);
    checkIfMatch(c.req.header('if-match'), current.version, true);
    const body = c.req.valid('json');
    const patch: VendorChangeFields = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.contacts !== undefined ? { contacts: body.contacts as Contact[] } : {}),
      ...(body.identityRules !== undefined ? { identityRules: body.identityRules } : {}),
      ...(body.revocationPolicy !== undefined ? { revocationPolicy: body.revocationPolicy } : {}),
    };
    const changes = changedFields(current, patch);
    if (needsSecondAdmin(changes)) {
      const change = await storeProposal(deps, actor, current, changes, body.reason);
      return c.json(change, 202, { Location: `/vendors/${current.id}/changes/${change.id}` });
    }
    const now = deps.now();
    const next: Vendor = applyVendorChange(current, changes, now);
    const written = await deps.trust.updateVendorAudited(next, current.version, {
      at: next.updatedAt,
      actor: actor.name,
      action: 'vendor.update',
      targetType: 'vendor',
      targetId: current.id,
      vendorId: current.id,
      reason: body.reason ?? null,
      before: vendorFields(current),
      after: vendorFields(next),
    });
    if (!written) {
      throw new TrustgateError(
        'PRECONDITION_FAILED',
        'the vendor changed while this request ran; read it again',
      );
    }
    return c.json(vendorView(next), 200, { ETag: etagOf(next.version) });
  });
}
