import { join } from 'node:path';
import type { AppDeps } from '../../src/app';
import { composeApp } from '../../src/compose';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { importSeed } from '../../src/trust';
import { CMS_FIXTURES } from './cms-fixtures';

export const MIGRATIONS = join(import.meta.dirname, '../../migrations');
export const FIXTURE_TRUST_STORE = join(CMS_FIXTURES, 'trust-store');
export const PLAYBOOKS = join(import.meta.dirname, '../../src/advisories/playbooks');

/** The Hono app over a fresh in-memory database seeded from the fixture trust store, with a pinned clock. */
export const TEST_ADMIN_TOKEN = 'test-bootstrap-admin-token-0123456789';

/** Options beyond the clock and store: admin API settings (ADMIN_TOKEN defaults to TEST_ADMIN_TOKEN). */
type AdminOptions = Pick<AppDeps, 'requireVerifyToken' | 'onRootActivated' | 'adminToken'>;

export async function createTestApp(
  options: { now?: Date; trustStoreDir?: string; escalationWebhookUrl?: string } & AdminOptions = {},
) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const trust = createTrustRepository(db);
  const now = options.now ?? new Date('2026-06-01T00:00:00Z');
  await importSeed(trust, await readTrustStoreDir(options.trustStoreDir ?? FIXTURE_TRUST_STORE), now);
  const { app, escalations } = composeApp({
    db,
    subtle: globalThis.crypto.subtle,
    now: () => now,
    playbooks: await readPlaybooks(PLAYBOOKS),
    serviceBaseUrl: 'https://trustgate.test',
    adminToken: 'adminToken' in options ? options.adminToken : TEST_ADMIN_TOKEN,
    requireVerifyToken: options.requireVerifyToken ?? false,
    escalationWebhookUrl: options.escalationWebhookUrl,
    ...(options.onRootActivated ? { extra: { onRootActivated: options.onRootActivated } } : {}),
  });
  return { app, db, trust, escalations, close };
}
