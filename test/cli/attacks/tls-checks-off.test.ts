import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate } from '../run-trustgate';
import { ARTIFACT, genuineTrustedVerdict, TRUSTED_SIG } from './liar-server';

const TLS = join(import.meta.dirname, '../../fixtures/tls');
const TOKEN = 'tls-off-test-token-0123456789abcdef';

describe('trustgate verify over https with certificate checks turned off in the environment', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const verdict = JSON.stringify(await genuineTrustedVerdict());
    server = createServer(
      {
        cert: readFileSync(join(TLS, 'loopback-cert.pem')),
        key: readFileSync(join(TLS, 'loopback-key.pem')),
      },
      (req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(verdict);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    base = `https://127.0.0.1:${address.port}`;
  }, 30_000);

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  describe('when NODE_TLS_REJECT_UNAUTHORIZED=0 is set and Node’s own warnings are silenced', () => {
    it('still warns that the answers are unauthenticated and the token goes to whoever answers', async () => {
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--server', base, '--signature', TRUSTED_SIG, ARTIFACT],
        { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1', TRUSTGATE_TOKEN: TOKEN } },
      );
      // The user's own choice: the verdict is read, but not in silence.
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /warning: NODE_TLS_REJECT_UNAUTHORIZED=0: the certificate of 127\.0\.0\.1:\d+ is not checked: its answers are unauthenticated and TRUSTGATE_TOKEN goes to whoever answers/,
      );
      expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
    });
  });
});
