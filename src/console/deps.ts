import type { Authenticator } from '../http/auth';
import type { EscalationService } from '../services/escalations';
import type { FeedService } from '../services/feeds';
import type { TrustAdmin } from '../services/trust-admin';
import type { Anchor, SessionRepository } from '../trust';
import type { Principal, RandomBytes } from '../trust/tokens';

/** What the console pages call: the same use cases as the API, and the session store. */
export interface ConsoleDeps {
  trustAdmin: TrustAdmin;
  escalations?: EscalationService | undefined;
  feeds?: FeedService | undefined;
  auth: Authenticator;
  sessions: SessionRepository;
  subtle: SubtleCrypto;
  now: () => Date;
  random: RandomBytes;
  /** The OpenAPI document the app serves at /openapi.json, for the API reference page. */
  openApiDocument: () => unknown;
  /**
   * Proposes a feed candidate's certificate as a pending root of its vendor, recording the candidate as
   * the provenance (the use case behind POST /candidates/{id}/propose); without it the console offers no
   * "propose from candidate".
   */
  proposeCandidate?:
    | ((actor: Principal, vendorId: string, candidateKey: string, reason: string) => Promise<Anchor>)
    | undefined;
  /** How long a sign-in lasts (default: 8 hours). */
  sessionTtlMs?: number | undefined;
}

/** The signed-in person a console request is made for. */
export interface Viewer {
  principal: Principal;
  /** The session's synchronizer token, put into every form. */
  csrfToken: string;
  sessionIdHash: string;
  expiresAt: string;
}

export type ConsoleEnv = { Variables: { viewer: Viewer } };
