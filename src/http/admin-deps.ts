import type { FeedService } from '../services/feed-polling';
import type { Anchor, AuditReader, TokenRepository, TrustRepository } from '../trust';
import type { RandomBytes } from '../trust/tokens';
import type { Authenticator } from './auth';

/** What the feed, candidate and advisory routes need. */
export interface FeedRouteDeps {
  feeds: FeedService;
  auth: Authenticator;
}

/** What the admin routes (vendors, roots, audit, tokens) need. */
export interface AdminDeps {
  trust: TrustRepository;
  tokens: TokenRepository | undefined;
  audit: AuditReader | undefined;
  subtle: SubtleCrypto;
  now: () => Date;
  random: RandomBytes;
  auth: Authenticator;
  /** Called after a second admin approved a root (pending -> active); failures are logged, not returned. */
  onRootActivated?: ((vendorId: string, anchor: Anchor) => Promise<void> | void) | undefined;
}
