import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { anyHttpUrl, publicHttpOnly } from '../advisories';
import { composeApp } from '../compose';
import { createTrustRepository } from '../db';
import { openLibsqlDatabase } from '../db/libsql';
import { DEFAULT_ESCALATION_LIMITS } from '../escalation';
import type { HasherFactory } from '../http/hasher';
import { createRequestBudget } from '../http/request-budget';
import { createCrlFetcher } from '../services/crl-fetcher';
import { pollDueFeeds } from '../services/feed-polling';
import { createOcspFetcher } from '../services/ocsp-fetcher';
import { importSeed } from '../trust';
import { guardedFeedFetch } from './feed-fetch';
import { startFeedTimer } from './feed-timer';
import { applyConnectionLimits, connectionServerOptions } from './node-connections';
import { readPlaybooks } from './playbook-files';
import { startStatsLog } from './stats-log';
import { readTrustStoreDir } from './trust-store-files';
import { readTsaStoreDir, tsaAnchorsFor } from './tsa-store-files';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The incremental-hash port on Node: streamed artifacts are hashed by OpenSSL as they arrive. */
export const nodeHasher: HasherFactory = (algorithm) => {
  const hash = createHash(algorithm.toLowerCase().replace('-', ''));
  return {
    update: (chunk) => {
      hash.update(chunk);
    },
    digest: async () => new Uint8Array(hash.digest()),
  };
};

export interface NodeConfig {
  port: number;
  host: string;
  databaseUrl: string;
  trustStoreDir: string;
  /** ADMIN_TOKEN: the bootstrap admin's secret (at least 16 characters). */
  adminToken: string | undefined;
  /** REQUIRE_VERIFY_TOKEN=true: POST /verify needs a verifier or admin token. */
  requireVerifyToken: boolean;
  /** PUBLIC_URL: how people reach this service, for the links and API calls in escalation checklists. */
  publicUrl: string;
  /** PLAYBOOKS_DIR: the escalation playbook templates. */
  playbooksDir: string;
  /** ESCALATION_WEBHOOK_URL: receives escalation.opened / escalation.resolved events. */
  escalationWebhookUrl: string | undefined;
  /** CRL_FETCH=false: do not fetch the CRL distribution points a chain names (default true). */
  crlFetch: boolean;
  /** OCSP_FETCH=false: do not ask the OCSP responder a signer certificate names (default true). */
  ocspFetch: boolean;
  /** FEEDS_ALLOW_PRIVATE=true: feeds may be on loopback and private addresses (default false). */
  feedsAllowPrivate: boolean;
  /** FEEDS_TICK_SECONDS: how often the poller looks for due feeds (default 60; 0 turns polling off). */
  feedsTickSeconds: number;
  /** FEEDS_PER_TICK: feeds polled per tick at most, most overdue first (default 10). */
  feedsPerTick: number;
  /** FEEDS_CONCURRENCY: feeds polled at the same time (default 4). */
  feedsConcurrency: number;
  /** ESCALATION_NEW_CASES_PER_VENDOR: new unknown-root cases one vendor may open per window (default 5). */
  escalationNewCasesPerVendor: number;
  /** ESCALATION_WINDOW_SECONDS: that window, sliding (default 3600); past it requests join the overflow case. */
  escalationWindowSeconds: number;
  /** MAX_CONNECTIONS: open connections at most; more are closed as they arrive (default 256). */
  maxConnections: number;
  /** HEADERS_TIMEOUT_SECONDS: a request's headers must arrive within this (default 20). */
  headersTimeoutSeconds: number;
  /** REQUEST_TIMEOUT_SECONDS: a whole request, body included, must arrive within this (default 3600; 0: none). */
  requestTimeoutSeconds: number;
  /** IDLE_TIMEOUT_SECONDS: a connection on which no byte moves for this long is closed (default 30). */
  idleTimeoutSeconds: number;
  /** KEEP_ALIVE_TIMEOUT_SECONDS: an idle kept-alive connection is closed after this (default 5). */
  keepAliveTimeoutSeconds: number;
  /** MAX_BUFFERED_MIB: request bytes held in memory across all requests (default 512). */
  maxBufferedMib: number;
  /** MAX_CONCURRENT_VERIFICATIONS: verifications computing at once (default 8). */
  maxConcurrentVerifications: number;
  /** MAX_QUEUED_VERIFICATIONS: verifications waiting for a slot; one more is 503 (default 64). */
  maxQueuedVerifications: number;
  /** STATS_LOG_SECONDS: log event-loop delay, memory and the request budget this often (default 0: off). */
  statsLogSeconds: number;
}

function intFromEnv(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const adminToken = env.ADMIN_TOKEN?.trim() || undefined;
  if (adminToken && !/^[\x21-\x7e]{16,512}$/.test(adminToken))
    throw new Error('ADMIN_TOKEN must be 16 to 512 printable characters without spaces');
  const requireVerifyToken = (env.REQUIRE_VERIFY_TOKEN ?? 'false').trim().toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(requireVerifyToken))
    throw new Error(`REQUIRE_VERIFY_TOKEN must be true or false, got ${env.REQUIRE_VERIFY_TOKEN}`);
  const allowPrivate = (env.FEEDS_ALLOW_PRIVATE ?? 'false').trim().toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(allowPrivate))
    throw new Error(`FEEDS_ALLOW_PRIVATE must be true or false, got ${env.FEEDS_ALLOW_PRIVATE}`);
  return {
    adminToken,
    requireVerifyToken: requireVerifyToken === 'true' || requireVerifyToken === '1',
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    playbooksDir: resolve(env.PLAYBOOKS_DIR ?? resolve(ROOT, 'src/advisories/playbooks')),
    escalationWebhookUrl: env.ESCALATION_WEBHOOK_URL?.trim() || undefined,
    databaseUrl: env.DATABASE_URL ?? `file:${resolve(ROOT, 'data/trustgate.db')}`,
    trustStoreDir: resolve(env.TRUST_STORE_DIR ?? resolve(ROOT, 'trust-store')),
    feedsAllowPrivate: allowPrivate === 'true' || allowPrivate === '1',
    crlFetch: !['false', '0'].includes((env.CRL_FETCH ?? 'true').trim().toLowerCase()),
    ocspFetch: !['false', '0'].includes((env.OCSP_FETCH ?? 'true').trim().toLowerCase()),
    feedsTickSeconds: intFromEnv('FEEDS_TICK_SECONDS', env.FEEDS_TICK_SECONDS, 60, 0, 86_400),
    feedsPerTick: intFromEnv('FEEDS_PER_TICK', env.FEEDS_PER_TICK, 10, 1, 1000),
    feedsConcurrency: intFromEnv('FEEDS_CONCURRENCY', env.FEEDS_CONCURRENCY, 4, 1, 64),
    escalationNewCasesPerVendor: intFromEnv(
      'ESCALATION_NEW_CASES_PER_VENDOR',
      env.ESCALATION_NEW_CASES_PER_VENDOR,
      DEFAULT_ESCALATION_LIMITS.newCasesPerVendor,
      1,
      100,
    ),
    escalationWindowSeconds: intFromEnv(
      'ESCALATION_WINDOW_SECONDS',
      env.ESCALATION_WINDOW_SECONDS,
      DEFAULT_ESCALATION_LIMITS.windowSeconds,
      1,
      30 * 24 * 3600,
    ),
    ...serverLimitsFromEnv(env),
  };
}

function serverLimitsFromEnv(env: NodeJS.ProcessEnv) {
  const limits = {
    maxConnections: intFromEnv('MAX_CONNECTIONS', env.MAX_CONNECTIONS, 256, 1, 65_536),
    headersTimeoutSeconds: intFromEnv('HEADERS_TIMEOUT_SECONDS', env.HEADERS_TIMEOUT_SECONDS, 20, 1, 600),
    requestTimeoutSeconds: intFromEnv(
      'REQUEST_TIMEOUT_SECONDS',
      env.REQUEST_TIMEOUT_SECONDS,
      3600,
      0,
      86_400,
    ),
    idleTimeoutSeconds: intFromEnv('IDLE_TIMEOUT_SECONDS', env.IDLE_TIMEOUT_SECONDS, 30, 1, 3600),
    keepAliveTimeoutSeconds: intFromEnv(
      'KEEP_ALIVE_TIMEOUT_SECONDS',
      env.KEEP_ALIVE_TIMEOUT_SECONDS,
      5,
      1,
      3600,
    ),
    maxBufferedMib: intFromEnv('MAX_BUFFERED_MIB', env.MAX_BUFFERED_MIB, 512, 1, 1_048_576),
    maxConcurrentVerifications: intFromEnv(
      'MAX_CONCURRENT_VERIFICATIONS',
      env.MAX_CONCURRENT_VERIFICATIONS,
      8,
      1,
      1024,
    ),
    maxQueuedVerifications: intFromEnv(
      'MAX_QUEUED_VERIFICATIONS',
      env.MAX_QUEUED_VERIFICATIONS,
      64,
      0,
      65_536,
    ),
    statsLogSeconds: intFromEnv('STATS_LOG_SECONDS', env.STATS_LOG_SECONDS, 0, 0, 86_400),
  };
  if (limits.requestTimeoutSeconds > 0 && limits.headersTimeoutSeconds > limits.requestTimeoutSeconds)
    throw new Error('HEADERS_TIMEOUT_SECONDS must not be over REQUEST_TIMEOUT_SECONDS');
  return limits;
}

export async function startNodeServer(config: NodeConfig) {
  if (config.databaseUrl.startsWith('file:')) {
    mkdirSync(dirname(config.databaseUrl.slice('file:'.length)), { recursive: true });
  }
  const playbooks = await readPlaybooks(config.playbooksDir);
  const { db, close } = await openLibsqlDatabase(config.databaseUrl, resolve(ROOT, 'migrations'));
  const trust = createTrustRepository(db);
  const report = await importSeed(trust, await readTrustStoreDir(config.trustStoreDir), new Date());
  console.log(
    `trust store ${config.trustStoreDir}: ${report.vendorsCreated.length} vendors created, ${report.anchorsAdded.length} roots added, ${report.conflicts.length} conflicts kept as stored, ${report.skipped.length} skipped`,
  );
  for (const skipped of report.skipped)
    console.warn(`skipped ${skipped.vendorId}/${skipped.file}: ${skipped.why}`);
  // Feeds: http(s) only; private and loopback addresses (literal or resolved) only when configured.
  const feedUrlGuard = config.feedsAllowPrivate ? anyHttpUrl : publicHttpOnly;
  const feedFetch = guardedFeedFetch({ allowPrivate: config.feedsAllowPrivate });
  const budget = createRequestBudget({
    maxBufferedBytes: config.maxBufferedMib * 1024 * 1024,
    maxConcurrentVerifications: config.maxConcurrentVerifications,
    maxQueuedVerifications: config.maxQueuedVerifications,
  });
  const { app, feeds } = composeApp({
    db,
    subtle: globalThis.crypto.subtle,
    now: () => new Date(),
    feedUrlGuard,
    feedFetch,
    playbooks,
    serviceBaseUrl: config.publicUrl,
    adminToken: config.adminToken,
    requireVerifyToken: config.requireVerifyToken,
    escalationWebhookUrl: config.escalationWebhookUrl,
    escalationLimits: {
      newCasesPerVendor: config.escalationNewCasesPerVendor,
      windowSeconds: config.escalationWindowSeconds,
    },
    extra: {
      budget,
      createHasher: nodeHasher,
      tsaAnchors: tsaAnchorsFor(await readTsaStoreDir(config.trustStoreDir)),
      // CRL distribution points named in a chain: fetched under the same address rules as feeds, with
      // size and time limits, and cached until nextUpdate (CRL_FETCH=false turns this off).
      ...(config.crlFetch
        ? {
            fetchCrls: createCrlFetcher({
              fetch: feedFetch,
              now: () => new Date(),
              isAllowedUrl: feedUrlGuard,
            }),
          }
        : {}),
      // The signer's OCSP responder (AIA), under the same address rules, 64 KiB, 5 s, cached until the
      // response's nextUpdate (OCSP_FETCH=false turns this off).
      ...(config.ocspFetch
        ? {
            fetchOcsp: createOcspFetcher({
              fetch: feedFetch,
              now: () => new Date(),
              isAllowedUrl: feedUrlGuard,
            }),
          }
        : {}),
    },
  });
  const seeded = await feeds.subscribeSeedFeeds(report.feeds);
  for (const feed of seeded.subscribed)
    console.log(`feed subscribed from vendor.json: ${feed.vendorId} ${feed.url}`);
  for (const s of seeded.skipped)
    console.warn(`feed in ${s.vendorId}/vendor.json not subscribed (${s.url}): ${s.why}`);
  const poller =
    config.feedsTickSeconds > 0
      ? startFeedTimer({
          intervalMs: config.feedsTickSeconds * 1000,
          run: () =>
            pollDueFeeds({
              db,
              fetch: feedFetch,
              subtle: globalThis.crypto.subtle,
              now: () => new Date(),
              random: Math.random,
              isAllowedUrl: feedUrlGuard,
              maxFeeds: config.feedsPerTick,
              concurrency: config.feedsConcurrency,
            }),
        })
      : null;
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      serverOptions: connectionServerOptions(config),
    },
    (info) => {
      console.log(`trustgate listening on http://${config.host}:${info.port}`);
    },
  ) as Server;
  applyConnectionLimits(server, config);
  const stopStats = config.statsLogSeconds > 0 ? startStatsLog(config.statsLogSeconds, budget, server) : null;
  const stop = () =>
    new Promise<void>((done) => {
      stopStats?.();
      server.close(async () => {
        await poller?.stop();
        close();
        done();
      });
    });
  return { server, stop, pollFeedsNow: () => poller?.tick() ?? Promise.resolve() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { stop } = await startNodeServer(configFromEnv());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }
}
