import { join } from 'node:path';
import { anyHttpUrl } from '../../src/advisories';
import { type BootstrapOptions, bootstrap } from '../../src/bootstrap';
import { type AppConfig, readWorkerConfig } from '../../src/config';
import { openLibsqlDatabase } from '../../src/db/libsql';
import type { HasherFactory } from '../../src/http/hasher';
import type { LogPort } from '../../src/http/request-log';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { readTsaStoreDir, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { importSeed } from '../../src/trust';
import { CMS_FIXTURES } from './cms-fixtures';

export const MIGRATIONS = join(import.meta.dirname, '../../migrations');
export const FIXTURE_TRUST_STORE = join(CMS_FIXTURES, 'trust-store');
export const PLAYBOOKS = join(import.meta.dirname, '../../advisories/playbooks');

/** The Hono app over a fresh in-memory database seeded from the fixture trust store, with a pinned clock. */
export const TEST_ADMIN_TOKEN = 'test-bootstrap-admin-token-0123456789';

/**
 * The settings both platforms read, as an unset environment gives them (no Node-only settings: no CRL or
 * OCSP fetches), with the checklists' base URL https://trustgate.test.
 */
export const testConfig = (overrides: Partial<AppConfig> = {}): AppConfig => ({
  ...readWorkerConfig({}),
  publicUrl: 'https://trustgate.test',
  ...overrides,
});

/** Options beyond the clock and store: admin API settings (ADMIN_TOKEN defaults to TEST_ADMIN_TOKEN). */
type AdminOptions = {
  adminToken?: string | undefined;
  requireVerifyToken?: boolean;
};

/**
 * Feed options: `allowPrivateFeeds` lets feed URLs and fetches reach 127.0.0.1 (the tests' feed servers);
 * `clock` replaces the pinned clock (tests that move time); `random` pins the schedule's jitter;
 * `subscribeSeedFeeds` subscribes the feeds the trust store's vendor.json files list, as the Node server does.
 */
type FeedOptions = {
  allowPrivateFeeds?: boolean;
  clock?: () => Date;
  random?: () => number;
  subscribeSeedFeeds?: boolean;
};

/**
 * The app as `bootstrap` assembles it on every platform. `limits` overrides size and budget limits;
 * `createHasher` streams multipart artifacts through an incremental hash as the platforms do.
 */
export async function createTestApp(
  options: {
    now?: Date;
    trustStoreDir?: string;
    escalationWebhookUrl?: string;
    escalationWebhookSecret?: string;
    limits?: BootstrapOptions['limits'];
    createHasher?: HasherFactory;
    /** The structured log port (request lines); without it nothing is logged. */
    log?: LogPort;
    /** LOG_REQUESTS (default on: lines go to `log` when it is given). */
    logRequests?: boolean;
  } & AdminOptions &
    FeedOptions = {},
) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const now = options.now ?? new Date('2026-06-01T00:00:00Z');
  const clock = options.clock ?? (() => now);
  const trustStoreDir = options.trustStoreDir ?? FIXTURE_TRUST_STORE;
  const { app, services } = bootstrap(
    testConfig({
      adminToken: 'adminToken' in options ? options.adminToken : TEST_ADMIN_TOKEN,
      requireVerifyToken: options.requireVerifyToken ?? false,
      escalationWebhookUrl: options.escalationWebhookUrl,
      escalationWebhookSecret: options.escalationWebhookSecret,
      ...(options.logRequests !== undefined ? { logRequests: options.logRequests } : {}),
    }),
    {
      db,
      subtle: globalThis.crypto.subtle,
      now: clock,
      random: options.random ?? (() => 0.5),
      ...(options.allowPrivateFeeds ? { feedUrlGuard: anyHttpUrl } : {}),
      playbooks: await readPlaybooks(PLAYBOOKS),
      tsaAnchors: tsaAnchorsFor(await readTsaStoreDir(trustStoreDir)),
      ...(options.createHasher ? { createHasher: options.createHasher } : {}),
      ...(options.log ? { log: options.log } : {}),
    },
    {
      ...(options.limits ? { limits: options.limits } : {}),
    },
  );
  const { trust, escalations, feeds, trustAdmin } = services;
  const seed = await importSeed(trust, await readTrustStoreDir(trustStoreDir), clock());
  const seedFeeds = options.subscribeSeedFeeds ? await feeds.subscribeSeedFeeds(seed.feeds) : null;
  return { app, db, trust, escalations, feeds, trustAdmin, seed, seedFeeds, close };
}
