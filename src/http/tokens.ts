import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { type ApiToken, TOKEN_ROLES } from '../trust';
import type { AdminDeps } from './admin-deps';
import { bearerSecurity, ReasonField, TokenSchema } from './admin-schemas';
import { ROLES } from './auth';
import { problemResponses } from './schemas';

const CreateTokenSchema = z
  .object({
    name: z.string().openapi({
      description: 'unique, [A-Za-z0-9][A-Za-z0-9._@-]{0,63}; the actor in the audit log',
      example: 'alice',
    }),
    role: z.enum(TOKEN_ROLES),
    reason: ReasonField,
  })
  .strict()
  .openapi('CreateToken');

const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().openapi({ description: 'the secret: shown this once, only its SHA-256 is stored' }),
}).openapi('CreatedToken');

const TokenIdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

const createTokenRoute = createRoute({
  method: 'post',
  path: '/admin/tokens',
  summary: 'Create a token (admin); the secret is in this response only',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: CreateTokenSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: CreatedTokenSchema } } },
    ...problemResponses(400, 401, 403, 409),
  },
});

const listTokensRoute = createRoute({
  method: 'get',
  path: '/admin/tokens',
  summary: 'List tokens, without secrets (admin)',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Tokens',
      content: { 'application/json': { schema: z.object({ tokens: z.array(TokenSchema) }) } },
    },
    ...problemResponses(401, 403),
  },
});

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/admin/tokens/{id}',
  summary: 'Revoke a token (admin): it stops working at once',
  security: bearerSecurity,
  request: { params: TokenIdParam },
  responses: {
    200: { description: 'Revoked', content: { 'application/json': { schema: TokenSchema } } },
    ...problemResponses(401, 403, 404, 409),
  },
});

const tokenView = (token: ApiToken) => ({
  id: token.id,
  name: token.name,
  role: token.role,
  createdBy: token.createdBy,
  createdAt: token.createdAt,
  revokedAt: token.revokedAt,
});

export function registerTokens(app: OpenAPIHono, { admin, auth }: AdminDeps) {
  app.openapi(createTokenRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const { token, secret } = await admin.issueToken(actor, c.req.valid('json'));
    return c.json({ ...tokenView(token), token: secret }, 201);
  });

  app.openapi(listTokensRoute, async (c) => {
    await auth.require(c, ROLES.write);
    return c.json({ tokens: (await admin.listTokens()).map(tokenView) }, 200);
  });

  app.openapi(revokeTokenRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    return c.json(tokenView(await admin.revokeToken(actor, c.req.valid('param').id)), 200);
  });
}
