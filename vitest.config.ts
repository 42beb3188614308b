import { join } from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { configDefaults, defineConfig } from 'vitest/config';
import { TEST_ADMIN_TOKEN, workerTestFixtures } from './test/workers/bindings';

const ROOT = import.meta.dirname;

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        // Everything but the Workers tests, in Node (as before the workers project existed).
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/workers/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The Workers entry inside workerd (Miniflare), with a local D1 migrated from ./migrations.
        plugins: [
          cloudflareTest({
            main: './src/platform/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(join(ROOT, 'migrations')),
                TEST_FIXTURES: await workerTestFixtures(),
                ADMIN_TOKEN: TEST_ADMIN_TOKEN,
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          setupFiles: ['./test/workers/apply-migrations.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
}));
