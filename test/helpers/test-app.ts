import { join } from 'node:path';
import { type AppDeps, createApp } from '../../src/app';
import { createAuditReader, createTokenRepository, createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { createInterimEscalator } from '../../src/services/escalations';
import { importSeed } from '../../src/trust';
import { CMS_FIXTURES } from './cms-fixtures';

export const MIGRATIONS = join(import.meta.dirname, '../../migrations');
export const FIXTURE_TRUST_STORE = join(CMS_FIXTURES, 'trust-store');

/** The Hono app over a fresh in-memory database seeded from the fixture trust store, with a pinned clock. */
export const TEST_ADMIN_TOKEN = 'test-bootstrap-admin-token-0123456789';

/** Options beyond the clock and store: admin API settings (ADMIN_TOKEN defaults to TEST_ADMIN_TOKEN). */
type AdminOptions = Pick<AppDeps, 'requireVerifyToken' | 'onRootActivated' | 'adminToken'>;

export async function createTestApp(options: { now?: Date; trustStoreDir?: string } & AdminOptions = {}) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const trust = createTrustRepository(db);
  const now = options.now ?? new Date('2026-06-01T00:00:00Z');
  await importSeed(trust, await readTrustStoreDir(options.trustStoreDir ?? FIXTURE_TRUST_STORE), now);
  const subtle = globalThis.crypto.subtle;
  const app = createApp({
    trust,
    subtle,
    now: () => now,
    escalate: createInterimEscalator(subtle),
    tokens: createTokenRepository(db),
    audit: createAuditReader(db),
    adminToken: 'adminToken' in options ? options.adminToken : TEST_ADMIN_TOKEN,
    requireVerifyToken: options.requireVerifyToken ?? false,
    onRootActivated: options.onRootActivated,
  });
  return { app, db, trust, close };
}
