import type { FeedService } from '../services/feeds';
import type { TrustAdmin } from '../services/trust-admin';
import type { Authenticator } from './auth';

/** What the feed, candidate and advisory routes need. */
export interface FeedRouteDeps {
  feeds: FeedService;
  auth: Authenticator;
}

/** What the admin routes (vendors, roots, audit, tokens, CRLs) need: the use cases, and who may call them. */
export interface AdminDeps {
  admin: TrustAdmin;
  auth: Authenticator;
}
