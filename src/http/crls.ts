import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { crlNumberDecimal } from '../services/revocation';
import type { CrlSummary } from '../trust';
import type { AdminDeps } from './admin-deps';
import { bearerSecurity, json, ReasonField, VendorIdParam } from './admin-schemas';
import { ROLES } from './auth';
import { problemResponse } from './problem';
import { problemResponses } from './schemas';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

const CrlUploadSchema = z
  .object({
    vendor: z.string(),
    crls: z.array(
      z.object({
        sha256: z.string(),
        issuer: z.string(),
        crlNumber: z.string().openapi({ description: 'CRLNumber, decimal' }),
        deltaOf: z.string().nullable().openapi({ description: 'BaseCRLNumber (decimal) of a delta CRL' }),
        entries: z.number().int(),
        thisUpdate: z.string(),
        nextUpdate: z.string().nullable(),
        stored: z.boolean().openapi({ description: 'false when the vendor already held this CRL' }),
      }),
    ),
  })
  .openapi('CrlUpload');

export const uploadCrlsRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/crls',
  summary: "Upload a vendor's CRLs: one DER CRL, or PEM text with X509 CRL blocks (admin)",
  security: bearerSecurity,
  request: {
    params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'acme' }) }),
    body: {
      required: true,
      content: {
        'application/pkix-crl': { schema: z.any().openapi({ type: 'string', format: 'binary' }) },
        'application/x-pem-file': { schema: z.string() },
      },
    },
  },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: CrlUploadSchema } } },
    ...problemResponses(400, 401, 403, 404, 422),
  },
});

const DEFAULT_LIST_LIMIT = 200;
const MAX_LIST_LIMIT = 1000;

const RetirementSchema = z
  .object({
    reason: z.string(),
    proposedBy: z.string(),
    proposedAt: z.string(),
    approvedBy: z.string().nullable().openapi({ description: 'null while the retirement is pending' }),
    approvedAt: z.string().nullable(),
  })
  .openapi('CrlRetirement');

export const CrlSchema = z
  .object({
    vendor: z.string(),
    sha256: z.string(),
    issuer: z.string().openapi({ description: "the CRL issuer's name" }),
    crlNumber: z.string().nullable().openapi({ description: 'CRLNumber, decimal' }),
    deltaOf: z.string().nullable().openapi({ description: 'BaseCRLNumber (decimal) when a delta CRL' }),
    thisUpdate: z.string(),
    nextUpdate: z.string().nullable(),
    entries: z.number().int().nullable().openapi({ description: 'revoked certificates it lists' }),
    source: z.enum(['upload', 'fetch']),
    uploadedBy: z.string().nullable(),
    createdAt: z.string(),
    state: z.enum(['active', 'retired']).openapi({ description: 'a retired CRL is no longer consulted' }),
    pendingRetirement: RetirementSchema.nullable().openapi({
      description: 'a proposed retirement waiting for a second admin',
    }),
    retirement: RetirementSchema.nullable().openapi({
      description: 'the approved retirement of a retired CRL',
    }),
    version: z.number().int(),
  })
  .openapi('Crl');

export const crlView = (crl: CrlSummary) => ({
  vendor: crl.vendorId,
  sha256: crl.sha256,
  issuer: crl.issuer,
  crlNumber: crlNumberDecimal(crl.crlNumber),
  deltaOf: crlNumberDecimal(crl.deltaOf),
  thisUpdate: crl.thisUpdate,
  nextUpdate: crl.nextUpdate,
  entries: crl.entries,
  source: crl.source,
  uploadedBy: crl.uploadedBy,
  createdAt: crl.createdAt,
  state: crl.state,
  pendingRetirement: crl.state === 'active' ? crl.retirement : null,
  retirement: crl.state === 'retired' ? crl.retirement : null,
  version: crl.version,
});

const ListQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .optional()
    .openapi({ description: `at most this many, newest first (default ${DEFAULT_LIST_LIMIT})` }),
});

const listCrlsRoute = createRoute({
  method: 'get',
  path: '/vendors/{id}/crls',
  summary: "A vendor's stored CRLs in every state, newest upload first (admin or oncall)",
  security: bearerSecurity,
  request: { params: VendorIdParam, query: ListQuery },
  responses: {
    200: {
      description: 'CRLs',
      ...json(
        z.object({
          crls: z.array(CrlSchema),
          truncated: z.boolean().openapi({ description: 'true when more CRLs are stored than listed' }),
        }),
      ),
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

const CrlParams = VendorIdParam.extend({
  sha256: z.string().openapi({
    param: { name: 'sha256', in: 'path' },
    description: 'SHA-256 of the CRL (hex, colons allowed)',
  }),
});
const RetireBody = z.object({ reason: ReasonField }).strict().openapi('CrlRetirementAction');

const retirementRequest = { params: CrlParams, body: { required: true, ...json(RetireBody) } };
const retirementErrors = problemResponses(400, 401, 403, 404, 409);

const proposeRetirementRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/crls/{sha256}/retire',
  summary:
    'Propose to retire a CRL: it stays in use until another admin approves (admin; 409 INVALID_STATE when retired or already proposed)',
  security: bearerSecurity,
  request: retirementRequest,
  responses: { 202: { description: 'Pending approval', ...json(CrlSchema) }, ...retirementErrors },
});
const approveRetirementRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/crls/{sha256}/retire/approve',
  summary:
    'Approve a proposed retirement: the CRL is no longer consulted (an admin independent of the proposer, else 403 SELF_APPROVAL_FORBIDDEN); revocations it showed stay known',
  security: bearerSecurity,
  request: retirementRequest,
  responses: { 200: { description: 'The retired CRL', ...json(CrlSchema) }, ...retirementErrors },
});
const withdrawRetirementRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/crls/{sha256}/retire/withdraw',
  summary: 'Withdraw a proposed retirement: the CRL stays in use (admin, the proposer included)',
  security: bearerSecurity,
  request: retirementRequest,
  responses: { 200: { description: 'The CRL, still active', ...json(CrlSchema) }, ...retirementErrors },
});

export function registerCrls(app: OpenAPIHono, { admin, auth }: AdminDeps) {
  app.openapi(listCrlsRoute, async (c) => {
    await auth.require(c, ROLES.read);
    const limit = c.req.valid('query').limit ?? DEFAULT_LIST_LIMIT;
    const { crls, truncated } = await admin.listCrls(c.req.valid('param').id, limit);
    return c.json({ crls: crls.map(crlView), truncated }, 200);
  });

  /** The CRL the path names, and the reason the body gives. */
  const retirement = (params: { id: string; sha256: string }, body: { reason: string }) => ({
    vendorId: params.id,
    sha256: params.sha256,
    reason: body.reason,
  });
  app.openapi(proposeRetirementRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const input = retirement(c.req.valid('param'), c.req.valid('json'));
    return c.json(crlView(await admin.proposeCrlRetirement(actor, input)), 202);
  });
  app.openapi(approveRetirementRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const input = retirement(c.req.valid('param'), c.req.valid('json'));
    return c.json(crlView(await admin.approveCrlRetirement(actor, input)), 200);
  });
  app.openapi(withdrawRetirementRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const input = retirement(c.req.valid('param'), c.req.valid('json'));
    return c.json(crlView(await admin.withdrawCrlRetirement(actor, input)), 200);
  });

  app.openAPIRegistry.registerPath(uploadCrlsRoute);
  app.use(
    '/vendors/:id/crls',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problemResponse(c, 'PAYLOAD_TOO_LARGE', `the body is over ${MAX_BODY_BYTES} bytes`),
    }),
  );
  // The raw body (DER or PEM) is read by hand, within the size limit, once the caller is known to be an admin.
  app.post('/vendors/:id/crls', async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const body = new Uint8Array(await c.req.arrayBuffer());
    return c.json(await admin.uploadCrls(actor, c.req.param('id'), body), 201);
  });
}
