/**
 * Imports trust-store/ into the D1 database of wrangler.toml with the same `importSeed` as the Node server
 * (new roots active, roots already stored never changed, conflicts in the audit log), then records the
 * bundle so that the worker does not import it again on its first request.
 *
 *   npm run seed:d1                 the local D1 that `npm run dev` uses (.wrangler/state), migrated first
 *   npm run seed:d1 -- --remote     the D1 database on your Cloudflare account (needs `wrangler login` or
 *                                   CLOUDFLARE_API_TOKEN, and `wrangler d1 migrations apply trustgate --remote`)
 *
 * TRUST_STORE_DIR selects another tree (default ./trust-store).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { D1Database } from '@cloudflare/workers-types/index';
import { drizzle } from 'drizzle-orm/d1';
import { getPlatformProxy, unstable_readConfig } from 'wrangler';
import { createTrustRepository, type Database, schema } from '../src/db';
import { createAdvisoryRepository } from '../src/db/advisory-repository';
import { createCandidateRepository } from '../src/db/candidate-repository';
import { createFeedRepository } from '../src/db/feed-repository';
import { describeSeedReport, importBundledSeed, logSeedReport } from '../src/platform/bundled-seed';
import { createFeedService } from '../src/services/feed-polling';
import { buildTrustStoreBundle, DEFAULT_TRUST_STORE_DIR } from './bundle-trust-store';

const ROOT = resolve(import.meta.dirname, '..');
const CONFIG = join(ROOT, 'wrangler.toml');
const remote = process.argv.includes('--remote');
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';

const config = unstable_readConfig({ config: CONFIG });
const d1 = config.d1_databases.find((d: { binding: string }) => d.binding === 'DB');
if (!d1?.database_name) throw new Error('wrangler.toml declares no D1 database bound as DB');

if (!remote) {
  // The local database is ours to migrate; a remote one is migrated by its owner (README).
  const migrate = spawnSync(
    join(ROOT, 'node_modules/.bin/wrangler'),
    ['d1', 'migrations', 'apply', d1.database_name, '--local', '--config', CONFIG],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: 'true' } },
  );
  if (migrate.status !== 0) process.exit(migrate.status ?? 1);
}

// For --remote, the same binding marked `remote = true` in a throw-away config: getPlatformProxy then
// proxies it to the account's database.
let configPath = CONFIG;
let tempDir: string | null = null;
if (remote) {
  tempDir = mkdtempSync(join(tmpdir(), 'trustgate-seed-'));
  configPath = join(tempDir, 'wrangler.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      name: config.name,
      compatibility_date: config.compatibility_date,
      compatibility_flags: config.compatibility_flags,
      d1_databases: [{ ...d1, remote: true }],
    }),
  );
}

const proxy = await getPlatformProxy<{ DB: D1Database }>({
  configPath,
  ...(remote ? {} : { persist: { path: join(ROOT, '.wrangler/state/v3') } }),
});
try {
  const db = drizzle(proxy.env.DB, { schema }) as unknown as Database;
  const trust = createTrustRepository(db);
  const dir = resolve(process.env.TRUST_STORE_DIR ?? DEFAULT_TRUST_STORE_DIR);
  const bundle = await buildTrustStoreBundle(dir);
  // The feed service only subscribes here (no fetch): vendor.json feeds, as the worker and `npm start` do.
  const feeds = createFeedService({
    feeds: createFeedRepository(db),
    advisories: createAdvisoryRepository(db),
    candidates: createCandidateRepository(db),
    trust,
    fetch: (input, init) => fetch(input, init),
    subtle: crypto.subtle,
    now: () => new Date(),
    random: Math.random,
  });
  const report = await importBundledSeed(db, trust, bundle, new Date(), {
    force: true,
    subscribeFeeds: (list) => feeds.subscribeSeedFeeds(list),
  });
  if (!report) throw new Error('unreachable: a forced import always reports');
  console.log(
    `${remote ? 'remote' : 'local'} D1 '${d1.database_name}', ${dir}: ${describeSeedReport(report)}`,
  );
  logSeedReport(report);
  const built = readFileSync(join(ROOT, 'src/platform/trust-store-bundle.ts'), 'utf8');
  if (!built.includes(bundle.sha256)) {
    console.warn(
      'note: src/platform/trust-store-bundle.ts was built from another trust-store/; the worker imports that one on first use (npm run deploy:dry-run rebuilds it)',
    );
  }
} finally {
  await proxy.dispose();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
