/**
 * The Workers runtime behind src/platform/worker.ts: the handlers over a D1 binding, with the trust-store
 * bundle and the feed poller passed in (so that tests can look at what `scheduled` hands the poller).
 */
import type { D1Database, ExecutionContext, ScheduledController } from '@cloudflare/workers-types/index';
import { drizzle } from 'drizzle-orm/d1';
import { publicHttpOnly } from '../advisories';
import { type Bootstrapped, bootstrap } from '../bootstrap';
import { readWorkerConfig, type WorkerConfig } from '../config';
import { type Database, schema } from '../db';
import { type CaseKind, loadPlaybooks, type Playbooks } from '../escalation';
import { consoleJsonLog } from '../http/request-log';
import {
  type BundledTrustStore,
  type BundledTsaStore,
  describeSeedReport,
  importBundledSeed,
  logSeedReport,
  tsaAnchorsFromBundle,
} from './bundled-seed';
import { createWorkerHasher } from './worker-hasher';

export interface Env {
  DB: D1Database;
  /** The bootstrap admin's secret (16 to 512 printable characters): `wrangler secret put ADMIN_TOKEN`. */
  ADMIN_TOKEN?: string;
  /** `true`: POST /verify needs a verifier (or admin) token. A plain [vars] entry or a secret. */
  REQUIRE_VERIFY_TOKEN?: string;
  /** The service's public base URL, for links and commands in escalation checklists (as on Node). */
  PUBLIC_URL?: string;
  /** Where escalation events are POSTed (optional, as on Node). */
  ESCALATION_WEBHOOK_URL?: string;
  /** Signs those events (Standard Webhooks, `whsec_<base64>`): `wrangler secret put ESCALATION_WEBHOOK_SECRET`. */
  ESCALATION_WEBHOOK_SECRET?: string;
  /** Feeds polled per cron run at most, most overdue first (default 10; mind the plan's subrequest limit). */
  FEEDS_PER_TICK?: string;
  /** Feeds polled at the same time (default 4). */
  FEEDS_CONCURRENCY?: string;
}

export interface WorkerOptions {
  /** trust-store/ as bundled at build time: imported into D1 once per bundle and database. */
  bundle: BundledTrustStore;
  /** Timestamp-authority roots (trust-store/_tsa, <vendor>/tsa), bundled at build time. */
  tsa: BundledTsaStore;
  /** The escalation playbooks' sources, bundled at build time (validated there too). */
  playbooks: Partial<Record<CaseKind, string>>;
}

interface Runtime {
  app: Bootstrapped['app'];
  config: WorkerConfig;
  pollDueFeeds: Bootstrapped['pollDueFeeds'];
  /** Settles once the bundled seed is in D1 (or the attempt failed: then the next request tries again). */
  seeded: () => Promise<void>;
  /** Hands the work started in the background (escalation webhooks, ...) to a request's waitUntil. */
  keepAlive: (ctx: ExecutionContext) => void;
}

function parsePlaybooks(sources: WorkerOptions['playbooks']): Playbooks {
  const loaded = loadPlaybooks(sources);
  if (!loaded.ok) throw new Error(`the bundled escalation playbooks are broken:\n${loaded.message}`);
  return loaded.playbooks;
}

function createRuntime(env: Env, options: WorkerOptions): Runtime {
  const { bundle } = options;
  const config = readWorkerConfig(env);
  const db = drizzle(env.DB, { schema }) as unknown as Database;
  let seeding: Promise<void> | null = null;
  let ready = false;
  // Background work outlives the response only through a request's waitUntil: whichever request ends next
  // hands over everything still running (work started while handling a request is there when it ends).
  const inFlight = new Set<Promise<unknown>>();
  const background = (work: Promise<unknown>) => {
    const tracked = work
      .catch((error: unknown) => console.error('background work failed', error))
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const { app, services, pollDueFeeds } = bootstrap(config, {
    db,
    subtle: crypto.subtle,
    now: () => new Date(),
    playbooks: parsePlaybooks(options.playbooks),
    // Workers cannot reach private addresses anyway; literal ones are refused before asking.
    feedUrlGuard: publicHttpOnly,
    // Looked up at call time: the platform's fetch (tests answer it themselves).
    fetch: (input, init) => fetch(input, init),
    background,
    // Streamed artifacts are hashed as they arrive with crypto.DigestStream (Node: node:crypto).
    createHasher: createWorkerHasher,
    tsaAnchors: tsaAnchorsFromBundle(options.tsa),
    ready: () => ready,
    log: consoleJsonLog,
  });
  const seeded = () => {
    seeding ??= importBundledSeed(db, services.trust, bundle, new Date(), {
      subscribeFeeds: (list) => services.feeds.subscribeSeedFeeds(list),
    }).then(
      (report) => {
        if (report) {
          console.log(`trust store bundle ${bundle.sha256.slice(0, 12)}: ${describeSeedReport(report)}`);
          logSeedReport(report);
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
  const keepAlive = (ctx: ExecutionContext) => {
    if (inFlight.size > 0) ctx.waitUntil(Promise.allSettled([...inFlight]));
  };
  return { app, config, pollDueFeeds, seeded, keepAlive };
}

/** `{ fetch, scheduled }` for `export default`. */
export function createWorker(options: WorkerOptions) {
  // One runtime per D1 binding object, i.e. per isolate in production.
  const runtimes = new WeakMap<D1Database, Runtime>();
  const runtimeFor = (env: Env): Runtime => {
    let runtime = runtimes.get(env.DB);
    if (!runtime) {
      runtime = createRuntime(env, options);
      runtimes.set(env.DB, runtime);
    }
    return runtime;
  };
  return {
    async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
      const runtime = runtimeFor(env);
      await runtime.seeded();
      try {
        return await runtime.app.fetch(request, env, ctx);
      } finally {
        runtime.keepAlive(ctx);
      }
    },

    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      const runtime = runtimeFor(env);
      await runtime.seeded();
      const run = runtime
        .pollDueFeeds({ maxFeeds: runtime.config.feedsPerTick, concurrency: runtime.config.feedsConcurrency })
        .then((report) => {
          console.log(`cron ${controller.cron}: polled ${report.polled} feeds`);
          return report;
        });
      ctx.waitUntil(run);
      await run;
    },
  };
}
