import { join } from 'node:path';
import { anyHttpUrl } from '../../src/advisories';
import type { AppDeps } from '../../src/app';
import { composeApp } from '../../src/compose';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { readTsaStoreDir, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { importSeed } from '../../src/trust';
import { CMS_FIXTURES } from './cms-fixtures';

export const MIGRATIONS = join(import.meta.dirname, '../../migrations');
export const FIXTURE_TRUST_STORE = join(CMS_FIXTURES, 'trust-store');
export const PLAYBOOKS = join(import.meta.dirname, '../../src/advisories/playbooks');

/** The Hono app over a fresh in-memory database seeded from the fixture trust store, with a pinned clock. */
export const TEST_ADMIN_TOKEN = 'test-bootstrap-admin-token-0123456789';

/** Options beyond the clock and store: admin API settings (ADMIN_TOKEN defaults to TEST_ADMIN_TOKEN). */
type AdminOptions = Pick<AppDeps, 'requireVerifyToken' | 'adminToken'>;

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

/** `extra`: more of the app's dependencies (limits, a hasher for streamed artifacts, ...), given last. */
export async function createTestApp(
  options: {
    now?: Date;
    trustStoreDir?: string;
    escalationWebhookUrl?: string;
    extra?: Partial<AppDeps>;
  } & AdminOptions &
    FeedOptions = {},
) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const trust = createTrustRepository(db);
  const now = options.now ?? new Date('2026-06-01T00:00:00Z');
  const clock = options.clock ?? (() => now);
  const seed = await importSeed(
    trust,
    await readTrustStoreDir(options.trustStoreDir ?? FIXTURE_TRUST_STORE),
    clock(),
  );
  const { app, escalations, feeds } = composeApp({
    db,
    subtle: globalThis.crypto.subtle,
    now: clock,
    random: options.random ?? (() => 0.5),
    ...(options.allowPrivateFeeds ? { feedUrlGuard: anyHttpUrl } : {}),
    playbooks: await readPlaybooks(PLAYBOOKS),
    serviceBaseUrl: 'https://trustgate.test',
    adminToken: 'adminToken' in options ? options.adminToken : TEST_ADMIN_TOKEN,
    requireVerifyToken: options.requireVerifyToken ?? false,
    escalationWebhookUrl: options.escalationWebhookUrl,
    extra: {
      tsaAnchors: tsaAnchorsFor(await readTsaStoreDir(options.trustStoreDir ?? FIXTURE_TRUST_STORE)),
      ...options.extra,
    },
  });
  const seedFeeds = options.subscribeSeedFeeds ? await feeds.subscribeSeedFeeds(seed.feeds) : null;
  return { app, db, trust, escalations, feeds, seed, seedFeeds, close };
}
