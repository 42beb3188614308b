import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { type CrlRepository, uploadCrls } from '../services/crls';
import type { AdminDeps } from './admin-deps';
import { bearerSecurity } from './admin-schemas';
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

export function registerCrls(app: OpenAPIHono, deps: AdminDeps & { crls: CrlRepository }) {
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
    const actor = await deps.auth.require(c, ROLES.write);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const response = await uploadCrls(
      { trust: deps.trust, crls: deps.crls, now: deps.now },
      c.req.param('id'),
      body,
      actor.name,
    );
    return c.json(response, 201);
  });
}
