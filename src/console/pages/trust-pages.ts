import type { Hono } from 'hono';
import type { ConsoleDeps, ConsoleEnv } from '../deps';
import { registerAnchorPages } from './anchors';
import { registerApprovals } from './approvals';
import { registerPropose } from './propose';
import { registerVendors } from './vendors';

/** Vendors, their roots and pinned signers, proposals and approvals (issue 18, items 4 and 5). */
export function registerTrustPages(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  registerVendors(app, deps);
  registerPropose(app, deps);
  registerAnchorPages(app, deps);
  registerApprovals(app, deps);
}
