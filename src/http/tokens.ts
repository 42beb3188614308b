import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TrustgateError } from '../errors';
import { FEED_POLLER_ACTOR } from '../services/feed-polling';
import { type ApiToken, TOKEN_ROLES } from '../trust';
import {
  BOOTSTRAP_ADMIN_NAME,
  hashTokenSecret,
  newTokenId,
  newTokenSecret,
  TOKEN_NAME,
} from '../trust/tokens';
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

/** Names the service itself writes as audit actors: no token may pose as one of them. */
const SYSTEM_ACTORS = new Set([
  BOOTSTRAP_ADMIN_NAME,
  'seed',
  'verify',
  FEED_POLLER_ACTOR,
  'system',
  'trustgate',
]);

export function registerTokens(app: OpenAPIHono, deps: AdminDeps) {
  const repository = () => {
    if (!deps.tokens) throw new TrustgateError('NOT_FOUND', 'this deployment stores no tokens');
    return deps.tokens;
  };

  app.openapi(createTokenRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const tokens = repository();
    const body = c.req.valid('json');
    if (!TOKEN_NAME.test(body.name)) {
      throw new TrustgateError('INVALID_FIELD', 'name must match [A-Za-z0-9][A-Za-z0-9._@-]{0,63}');
    }
    if (SYSTEM_ACTORS.has(body.name.toLowerCase()) || (await tokens.getByName(body.name))) {
      throw new TrustgateError(
        'TOKEN_NAME_TAKEN',
        `the name '${body.name}' is taken (names are never reused)`,
      );
    }
    const secret = newTokenSecret(deps.random);
    const token: ApiToken = {
      id: newTokenId(deps.random),
      name: body.name,
      role: body.role,
      secretHash: await hashTokenSecret(deps.subtle, secret),
      createdBy: actor.name,
      createdAt: deps.now().toISOString(),
      revokedAt: null,
    };
    try {
      await tokens.insertAudited(token, {
        at: token.createdAt,
        actor: actor.name,
        action: 'token.create',
        targetType: 'token',
        targetId: token.id,
        vendorId: null,
        reason: body.reason,
        before: null,
        after: { name: token.name, role: token.role },
      });
    } catch (error) {
      // A concurrent create of the same name lost the race on the unique index.
      if (await tokens.getByName(token.name)) {
        throw new TrustgateError('TOKEN_NAME_TAKEN', `the name '${token.name}' is taken`);
      }
      throw error;
    }
    return c.json({ ...tokenView(token), token: secret }, 201);
  });

  app.openapi(listTokensRoute, async (c) => {
    await deps.auth.require(c, ROLES.write);
    return c.json({ tokens: (await repository().list()).map(tokenView) }, 200);
  });

  app.openapi(revokeTokenRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const tokens = repository();
    const id = c.req.valid('param').id;
    const token = await tokens.get(id);
    if (!token) throw new TrustgateError('NOT_FOUND', `no token '${id}'`);
    const at = deps.now().toISOString();
    const revoked = await tokens.revokeAudited(id, at, {
      at,
      actor: actor.name,
      action: 'token.revoke',
      targetType: 'token',
      targetId: id,
      vendorId: null,
      reason: null,
      before: { name: token.name, role: token.role, revokedAt: null },
      after: { name: token.name, role: token.role, revokedAt: at },
    });
    if (!revoked) throw new TrustgateError('INVALID_STATE', `token '${id}' is already revoked`);
    return c.json(tokenView({ ...token, revokedAt: at }), 200);
  });
}
