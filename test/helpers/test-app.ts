import { join } from 'node:path';
import { createApp } from '../../src/app';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { createInterimEscalator } from '../../src/services/escalations';
import { importSeed } from '../../src/trust';
import { CMS_FIXTURES } from './cms-fixtures';

export const MIGRATIONS = join(import.meta.dirname, '../../migrations');
export const FIXTURE_TRUST_STORE = join(CMS_FIXTURES, 'trust-store');

/** The Hono app over a fresh in-memory database seeded from the fixture trust store, with a pinned clock. */
export async function createTestApp(options: { now?: Date; trustStoreDir?: string } = {}) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const trust = createTrustRepository(db);
  const now = options.now ?? new Date('2026-06-01T00:00:00Z');
  await importSeed(trust, await readTrustStoreDir(options.trustStoreDir ?? FIXTURE_TRUST_STORE), now);
  const subtle = globalThis.crypto.subtle;
  const app = createApp({ trust, subtle, now: () => now, escalate: createInterimEscalator(subtle) });
  return { app, db, trust, close };
}
