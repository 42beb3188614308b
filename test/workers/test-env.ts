import type { Env } from '../../src/platform/worker';
import type { WorkerTestFixtures } from './bindings';

/** The worker's bindings (wrangler.toml) plus what vitest.config.ts passes to the workers tests. */
export interface TestEnv extends Env {
  TEST_MIGRATIONS: Array<{ name: string; queries: string[] }>;
  TEST_FIXTURES: WorkerTestFixtures;
}
