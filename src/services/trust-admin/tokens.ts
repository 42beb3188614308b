import { TrustgateError } from '../../errors';
import { type ApiToken, auditEntry, type TokenRepository, type TokenRole } from '../../trust';
import {
  BOOTSTRAP_ADMIN_NAME,
  hashTokenSecret,
  newTokenId,
  newTokenSecret,
  type Principal,
  TOKEN_NAME,
} from '../../trust/tokens';
import { FEED_POLLER_ACTOR } from '../feeds';
import { commitAudited, type TrustAdminDeps } from './shared';

/** Names the service itself writes as audit actors: no token may pose as one of them. */
const SYSTEM_ACTORS = new Set([
  BOOTSTRAP_ADMIN_NAME,
  'seed',
  'verify',
  FEED_POLLER_ACTOR,
  'system',
  'trustgate',
]);

export function createTokenAdmin(deps: TrustAdminDeps) {
  const repository = (): TokenRepository => {
    if (!deps.tokens) throw new TrustgateError('NOT_FOUND', 'this deployment stores no tokens');
    return deps.tokens;
  };

  return {
    /** A new token; its secret is returned this once, only its hash is stored. Names are never reused. */
    async issueToken(
      actor: Principal,
      input: { name: string; role: TokenRole; reason: string },
    ): Promise<{ token: ApiToken; secret: string }> {
      const tokens = repository();
      if (!TOKEN_NAME.test(input.name)) {
        throw new TrustgateError('INVALID_FIELD', 'name must match [A-Za-z0-9][A-Za-z0-9._@-]{0,63}');
      }
      if (SYSTEM_ACTORS.has(input.name.toLowerCase()) || (await tokens.getByName(input.name))) {
        throw new TrustgateError(
          'TOKEN_NAME_TAKEN',
          `the name '${input.name}' is taken (names are never reused)`,
        );
      }
      const secret = newTokenSecret(deps.random);
      const token: ApiToken = {
        id: newTokenId(deps.random),
        name: input.name,
        role: input.role,
        secretHash: await hashTokenSecret(deps.subtle, secret),
        createdBy: actor.name,
        createdAt: deps.now().toISOString(),
        revokedAt: null,
      };
      try {
        await tokens.insertAudited(
          token,
          auditEntry(
            'token.create',
            { type: 'token', id: token.id, vendorId: null },
            { actor: actor.name, at: token.createdAt, reason: input.reason },
            { before: null, after: { name: token.name, role: token.role } },
          ),
        );
      } catch (error) {
        // A concurrent create of the same name lost the race on the unique index.
        if (await tokens.getByName(token.name)) {
          throw new TrustgateError('TOKEN_NAME_TAKEN', `the name '${token.name}' is taken`);
        }
        throw error;
      }
      return { token, secret };
    },

    async listTokens(): Promise<ApiToken[]> {
      return repository().list();
    },

    /** The token stops working at once; revoking it twice is refused. */
    async revokeToken(actor: Principal, id: string): Promise<ApiToken> {
      const tokens = repository();
      const token = await tokens.get(id);
      if (!token) throw new TrustgateError('NOT_FOUND', `no token '${id}'`);
      const at = deps.now().toISOString();
      await commitAudited(
        (entry) => tokens.revokeAudited(id, at, entry),
        {
          action: 'token.revoke',
          target: { type: 'token', id, vendorId: null },
          actor: actor.name,
          at,
          reason: null,
          before: { name: token.name, role: token.role, revokedAt: null },
          after: { name: token.name, role: token.role, revokedAt: at },
        },
        { code: 'INVALID_STATE', detail: `token '${id}' is already revoked` },
      );
      return { ...token, revokedAt: at };
    },
  };
}
