import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { anyHttpUrl, publicHttpOnly } from '../advisories';
import { bootstrap } from '../bootstrap';
import { ConfigError, type NodeConfig, readNodeConfig } from '../config';
import { openLibsqlDatabase } from '../db/libsql';
import type { HasherFactory } from '../http/hasher';
import { consoleJsonLog } from '../http/request-log';
import { importSeed } from '../trust';
import { logSeedReport } from './bundled-seed';
import { guardedFeedFetch } from './feed-fetch';
import { startFeedTimer } from './feed-timer';
import { drainServer, refuseWhileClosing, shutdownOnSignals, withinGrace } from './graceful-shutdown';
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

/** The Node settings (src/config.ts) with the paths resolved against the package root. */
export type NodeServerConfig = NodeConfig & {
  databaseUrl: string;
  trustStoreDir: string;
  playbooksDir: string;
};

/** The environment as settings; throws a ConfigError listing every malformed setting. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): NodeServerConfig {
  const config = readNodeConfig(env);
  return {
    ...config,
    databaseUrl: config.databaseUrl ?? `file:${resolve(ROOT, 'data/trustgate.db')}`,
    trustStoreDir: resolve(config.trustStoreDir ?? resolve(ROOT, 'trust-store')),
    playbooksDir: resolve(config.playbooksDir ?? resolve(ROOT, 'advisories/playbooks')),
  };
}

export async function startNodeServer(config: NodeServerConfig) {
  if (config.databaseUrl.startsWith('file:')) {
    mkdirSync(dirname(config.databaseUrl.slice('file:'.length)), { recursive: true });
  }
  const playbooks = await readPlaybooks(config.playbooksDir);
  const { db, close } = await openLibsqlDatabase(config.databaseUrl, resolve(ROOT, 'migrations'));
  let seedImported = false;
  // Feeds, CRLs and OCSP: http(s) only; private and loopback addresses (literal or resolved) only when configured.
  const { app, services, budget, pollDueFeeds } = bootstrap(config, {
    db,
    subtle: globalThis.crypto.subtle,
    now: () => new Date(),
    playbooks,
    feedUrlGuard: config.feedsAllowPrivate ? anyHttpUrl : publicHttpOnly,
    feedFetch: guardedFeedFetch({ allowPrivate: config.feedsAllowPrivate }),
    createHasher: nodeHasher,
    log: consoleJsonLog,
    tsaAnchors: tsaAnchorsFor(await readTsaStoreDir(config.trustStoreDir)),
    ready: () => seedImported,
  });
  const report = await importSeed(services.trust, await readTrustStoreDir(config.trustStoreDir), new Date());
  seedImported = true;
  console.log(
    `trust store ${config.trustStoreDir}: ${report.vendorsCreated.length} vendors created, ${report.anchorsAdded.length} roots added, ${report.conflicts.length} conflicts kept as stored, ${report.skipped.length} skipped`,
  );
  // The same lines as the Workers import: skips, conflicts, distrusts (key compromise too), feeds.
  logSeedReport({ ...report, feedsSubscribed: await services.feeds.subscribeSeedFeeds(report.feeds) });
  const poller =
    config.feedsTickSeconds > 0
      ? startFeedTimer({
          intervalMs: config.feedsTickSeconds * 1000,
          run: () => pollDueFeeds({ maxFeeds: config.feedsPerTick, concurrency: config.feedsConcurrency }),
        })
      : null;
  let closing = false;
  const server = serve(
    {
      fetch: refuseWhileClosing(app.fetch, () => closing),
      port: config.port,
      hostname: config.host,
      serverOptions: connectionServerOptions(config),
    },
    (info) => {
      console.log(`trustgate listening on http://${config.host}:${info.port}`);
      console.log(
        `console: http://${config.host}:${info.port}/console (sign in with an admin or oncall token)`,
      );
    },
  ) as Server;
  applyConnectionLimits(server, config);
  const stopStats = config.statsLogSeconds > 0 ? startStatsLog(config.statsLogSeconds, budget, server) : null;
  /**
   * Stops accepting, lets requests in flight finish for up to `graceSeconds` (then cuts them), stops the
   * feed timer and the stats log, and closes the database; rejects if closing the database failed.
   */
  let stopped: Promise<void> | null = null;
  const stop = (graceSeconds = config.shutdownGraceSeconds) => {
    stopped ??= (async () => {
      closing = true;
      stopStats?.();
      // A feed poll still running (a hung feed host) is waited for within the same grace, not longer.
      const pollDone = poller ? withinGrace(poller.stop(), graceSeconds * 1000) : Promise.resolve(true);
      const [drained, polled] = await Promise.all([drainServer(server, graceSeconds * 1000), pollDone]);
      if (drained.cut) console.warn(`requests still in flight after ${graceSeconds} s were cut`);
      if (!polled) console.warn(`a feed poll still running after ${graceSeconds} s was abandoned`);
      close();
    })();
    return stopped;
  };
  return { server, stop, pollFeedsNow: () => poller?.tick() ?? Promise.resolve() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let config: NodeServerConfig;
  try {
    config = configFromEnv();
  } catch (error) {
    // Every malformed setting at once, without a stack trace: the operator's to fix, not a fault.
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const { stop } = await startNodeServer(config);
  shutdownOnSignals({ stop: () => stop(), graceSeconds: config.shutdownGraceSeconds });
}
