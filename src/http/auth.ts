import type { Context } from 'hono';
import { equalSecrets } from '../encoding';
import { TrustgateError } from '../errors';
import type { TokenRepository, TokenRole } from '../trust';
import {
  BOOTSTRAP_ADMIN_NAME,
  bearerSecret,
  hashTokenSecret,
  type Principal,
  roleAllows,
} from '../trust/tokens';

export interface AuthConfig {
  subtle: SubtleCrypto;
  tokens?: TokenRepository | undefined;
  /** `ADMIN_TOKEN` from the environment: the bootstrap admin, never stored. */
  adminToken?: string | undefined;
}

export interface Authenticator {
  /**
   * The principal of the request's bearer token; null when there is none or it is unknown or revoked.
   * Looked up once per request, however often it is asked.
   */
  identify(c: Context): Promise<Principal | null>;
  /**
   * The principal a token's secret hash stands for (the bootstrap admin, or a stored token not revoked);
   * null otherwise. The console's sessions keep only that hash and ask again on every request.
   */
  identifyHash(secretHash: string): Promise<Principal | null>;
  /** The principal, whatever its role; else 401. */
  authenticate(c: Context): Promise<Principal>;
  /** The principal, if its role is one of `roles`; else 401 (no or bad token) or 403 (wrong role). */
  require(c: Context, roles: readonly TokenRole[]): Promise<Principal>;
}

export function createAuthenticator(config: AuthConfig): Authenticator {
  let bootstrapHash: Promise<string | null> | null = null;
  const bootstrap = () => {
    bootstrapHash ??= config.adminToken
      ? hashTokenSecret(config.subtle, config.adminToken)
      : Promise.resolve(null);
    return bootstrapHash;
  };

  const identified = new WeakMap<Request, Promise<Principal | null>>();
  function identify(c: Context): Promise<Principal | null> {
    let principal = identified.get(c.req.raw);
    if (!principal) {
      principal = lookUp(c);
      identified.set(c.req.raw, principal);
    }
    return principal;
  }

  async function lookUp(c: Context): Promise<Principal | null> {
    const secret = bearerSecret(c.req.header('authorization'));
    if (!secret) return null;
    return identifyHash(await hashTokenSecret(config.subtle, secret));
  }

  async function identifyHash(hash: string): Promise<Principal | null> {
    const admin = await bootstrap();
    if (admin && equalSecrets(admin, hash)) {
      return { tokenId: 'bootstrap', name: BOOTSTRAP_ADMIN_NAME, role: 'admin' };
    }
    const token = await config.tokens?.findBySecretHash(hash);
    if (!token || token.revokedAt !== null) return null;
    return { tokenId: token.id, name: token.name, role: token.role };
  }

  async function authenticate(c: Context): Promise<Principal> {
    const principal = await identify(c);
    if (!principal) {
      throw new TrustgateError(
        'UNAUTHORIZED',
        'send a valid, unrevoked token as Authorization: Bearer <token>',
      );
    }
    return principal;
  }

  return {
    identify,
    identifyHash,
    authenticate,
    async require(c, roles) {
      const principal = await authenticate(c);
      if (!roleAllows(principal.role, roles)) {
        throw new TrustgateError(
          'FORBIDDEN',
          `a ${principal.role} token may not do this; it needs the role ${roles.join(' or ')}`,
        );
      }
      return principal;
    },
  };
}

/** Who may do what. */
export const ROLES = {
  /** Changes to the store, tokens and vendors. */
  write: ['admin'],
  /** Reading the store and the audit log. */
  read: ['admin', 'oncall'],
  /** POST /verify when REQUIRE_VERIFY_TOKEN is set. */
  verify: ['admin', 'verifier'],
} as const satisfies Record<string, readonly TokenRole[]>;
