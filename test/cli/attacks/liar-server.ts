import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { CMS_FIXTURES } from '../../helpers/cms-fixtures';
import { runTrustgate, verifyOffline } from '../run-trustgate';

export const ARTIFACT = join(CMS_FIXTURES, 'artifacts/acme-widget-1.4.2.bin');
export const TRUSTED_SIG = join(CMS_FIXTURES, 'cases/ecdsa-p256-sha256-detached-trusted/signature.der');
export const TRUST_STORE = join(CMS_FIXTURES, 'trust-store');

/**
 * A genuine trusted verdict for ARTIFACT (acme), as the server would send it: computed offline by the
 * command itself, without the fields the command adds to a --json result.
 */
export async function genuineTrustedVerdict(): Promise<Record<string, unknown>> {
  const run = await runTrustgate([
    'verify',
    '--vendor',
    'acme',
    '--offline',
    '--trust-store',
    TRUST_STORE,
    '--signature',
    TRUSTED_SIG,
    '--json',
    ARTIFACT,
  ]);
  if (run.code !== 0) throw new Error(`offline verification failed: ${run.stderr}`);
  const { package: _p, signature: _s, exitCode: _e, ...verdict } = JSON.parse(run.stdout).results[0];
  return verdict;
}

/** A copy of the fixture trust store under `dir/name`, changed by `plant` (given the copy's root). */
export function plantedStore(dir: string, name: string, plant: (store: string) => void): string {
  const store = join(dir, name);
  cpSync(TRUST_STORE, store, { recursive: true });
  plant(store);
  return store;
}

/** ARTIFACT and its trusted signature verified --offline against `store`. */
export const verifyTrustedOffline = (store: string) =>
  verifyOffline({ store, signature: TRUSTED_SIG, artifact: ARTIFACT });

export { startRawServer } from '../run-trustgate';
