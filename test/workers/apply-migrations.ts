// Setup file of the workers project: the local D1 gets the same migrations as `wrangler d1 migrations apply`.
import { applyD1Migrations } from 'cloudflare:test';
import { testEnv } from './helpers';

await applyD1Migrations(testEnv.DB, testEnv.TEST_MIGRATIONS);
