import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { CMS_FIXTURES } from '../../helpers/cms-fixtures';
import { runTrustgate } from '../run-trustgate';

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

/**
 * A server on 127.0.0.1 whose every answer the test writes by hand on the raw response (a slow trickle,
 * a redirect, a body cut short), counting the requests it got.
 */
export async function startRawServer(
  handle: (
    request: { url: string; headers: Record<string, string | string[] | undefined> },
    response: import('node:http').ServerResponse,
  ) => void,
): Promise<{ base: string; requests: number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      handle({ url: req.url ?? '', headers: req.headers }, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    base: `http://127.0.0.1:${address.port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
