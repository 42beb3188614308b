/**
 * The only Workers entry: `fetch` serves the same Hono app as the Node server, over D1; `scheduled` (the
 * cron trigger in wrangler.toml) polls the advisory feeds that are due (the feed service's `pollDue`).
 *
 * The trust store has no file system here: `trust-store/` is bundled at build time into
 * ./trust-store-bundle.ts (scripts/bundle-trust-store.ts, wrangler's [build] command) and imported into
 * D1 with the same `importSeed` as on Node, once per bundle and database: the first request (or cron run)
 * of an isolate looks for the bundle's audit entry and imports it when it is missing. `npm run seed:d1`
 * does the same import ahead of traffic. The TSA roots and escalation playbooks are bundled the same way.
 * The app is assembled as on Node (src/bootstrap.ts, settings from src/config.ts). Secrets (ADMIN_TOKEN)
 * come from `wrangler secret put`.
 *
 * Only the default export: workerd treats every named export of the main module as an entrypoint.
 */
import { PLAYBOOK_SOURCES, TRUST_STORE_BUNDLE, TSA_BUNDLE } from './trust-store-bundle';
import { createWorker } from './worker-runtime';

export type { Env } from './worker-runtime';

export default createWorker({
  bundle: TRUST_STORE_BUNDLE,
  tsa: TSA_BUNDLE,
  playbooks: PLAYBOOK_SOURCES,
});
