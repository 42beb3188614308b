import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Contact } from '../trust';
import { identityRulesSchema } from '../trust/identity-rules';
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
  vendorView,
} from './admin-schemas';
import { ROLES } from './auth';
import { checkIfMatch, etagOf } from './etag';
import { problemResponses } from './schemas';
import { VendorChangeSchema, vendorChangeView } from './vendor-changes';

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

export function registerVendors(app: OpenAPIHono, { admin, auth }: AdminDeps) {
  app.openapi(listVendorsRoute, async (c) => {
    await auth.require(c, ROLES.read);
    return c.json({ vendors: (await admin.listVendors()).map(vendorView) }, 200);
  });

  app.openapi(createVendorRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const body = c.req.valid('json');
    const { vendor, pendingChange } = await admin.createVendor(actor, {
      ...body,
      contacts: body.contacts as Contact[] | undefined,
    });
    return c.json(
      { ...vendorView(vendor), ...(pendingChange ? { pendingChange: vendorChangeView(pendingChange) } : {}) },
      201,
      { ETag: etagOf(vendor.version) },
    );
  });

  app.openapi(getVendorRoute, async (c) => {
    await auth.require(c, ROLES.read);
    const vendor = await admin.getVendor(c.req.valid('param').id);
    return c.json(vendorView(vendor), 200, { ETag: etagOf(vendor.version) });
  });

  app.openapi(patchVendorRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const body = c.req.valid('json');
    const update = await admin.updateVendor(
      actor,
      c.req.valid('param').id,
      { ...body, contacts: body.contacts as Contact[] | undefined },
      (version) => checkIfMatch(c.req.header('if-match'), version, true),
    );
    if (update.proposed) {
      const change = update.proposed;
      return c.json(vendorChangeView(change), 202, {
        Location: `/vendors/${change.vendorId}/changes/${change.id}`,
      });
    }
    return c.json(vendorView(update.applied), 200, { ETag: etagOf(update.applied.version) });
  });
}
