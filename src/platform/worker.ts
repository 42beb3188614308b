/**
 * The only Workers entry: `fetch` serves the same Hono app as the Node server, over D1; `scheduled` (the
 * cron trigger in wrangler.toml) polls the advisory feeds that are due.
 *
 * The trust store has no file system here: `trust-store/` is bundled at build time into
 * ./trust-store-bundle.ts (scripts/bundle-trust-store.ts, wrangler's [build] command) and imported into
 * D1 with the same `importSeed` as on Node, once per bundle and database: the first request (or cron run)
 * of an isolate looks for the bundle's audit entry and imports when it is missing. `npm run seed:d1` does
 * the same import ahead of traffic. Secrets (ADMIN_TOKEN, ...) come from `wrangler secret put`.
 */
import type { D1Database, ExecutionContext, ScheduledController } from '@cloudflare/workers-types/index';
import { drizzle } from 'drizzle-orm/d1';
import { createApp } from '../app';
import { createTrustRepository, type Database, schema } from '../db';
import { createInterimEscalator } from '../services/escalations';
import { pollDueFeeds } from '../services/feed-polling';
import { describeSeedReport, importBundledSeed } from './bundled-seed';
import { TRUST_STORE_BUNDLE } from './trust-store-bundle';

export interface Env {
  DB: D1Database;
  /** Set with `wrangler secret put ADMIN_TOKEN`; never in wrangler.toml. */
  ADMIN_TOKEN?: string;
}

interface Runtime {
  db: Database;
  app: ReturnType<typeof createApp>;
  /** Settles once the bundled seed is in D1 (or the attempt failed: then the next request tries again). */
  seeded: () => Promise<void>;
}

// One runtime per D1 binding object, i.e. per isolate in production.
const runtimes = new WeakMap<D1Database, Runtime>();

function runtimeFor(env: Env): Runtime {
  const existing = runtimes.get(env.DB);
  if (existing) return existing;
  const db = drizzle(env.DB, { schema }) as unknown as Database;
  const trust = createTrustRepository(db);
  const subtle = crypto.subtle;
  let seeding: Promise<void> | null = null;
  let ready = false;
  const seeded = () => {
    seeding ??= importBundledSeed(db, trust, TRUST_STORE_BUNDLE, new Date()).then(
      (report) => {
        if (report) {
          console.log(
            `trust store bundle ${TRUST_STORE_BUNDLE.sha256.slice(0, 12)}: ${describeSeedReport(report)}`,
          );
          for (const s of report.skipped) console.warn(`skipped ${s.vendorId}/${s.file}: ${s.why}`);
        }
        ready = true;
      },
      (error: unknown) => {
        console.error('importing the bundled trust store failed; retrying on the next request', error);
        seeding = null;
      },
    );
    return seeding;
  };
  const app = createApp({
    trust,
    subtle,
    now: () => new Date(),
    escalate: createInterimEscalator(subtle),
    ready: () => ready,
  });
  const runtime: Runtime = { db, app, seeded };
  runtimes.set(env.DB, runtime);
  return runtime;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const runtime = runtimeFor(env);
    await runtime.seeded();
    return runtime.app.fetch(request, env, ctx);
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const runtime = runtimeFor(env);
    await runtime.seeded();
    const run = pollDueFeeds({
      db: runtime.db,
      // Looked up at call time: the platform's fetch (tests answer it themselves).
      fetch: (input, init) => fetch(input, init),
      subtle: crypto.subtle,
      now: () => new Date(),
      random: Math.random,
    }).then((report) => {
      console.log(`cron ${controller.cron}: polled ${report.polled} feeds`);
      return report;
    });
    ctx.waitUntil(run);
    await run;
  },
};
