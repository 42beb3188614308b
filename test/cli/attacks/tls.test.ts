import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate } from '../run-trustgate';
import { ARTIFACT, genuineTrustedVerdict, TRUSTED_SIG } from './liar-server';

const TLS = join(import.meta.dirname, '../../fixtures/tls');
const CERT = join(TLS, 'loopback-cert.pem');
const TOKEN = 'tls-test-token-0123456789abcdef';

describe('trustgate verify against an https server', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    const verdict = JSON.stringify(await genuineTrustedVerdict());
    server = createServer(
      { cert: readFileSync(CERT), key: readFileSync(join(TLS, 'loopback-key.pem')) },
      (req, res) => {
        seen.push(req.headers.authorization ?? '');
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

  const verify = (env: Record<string, string>) =>
    runTrustgate(['verify', '--vendor', 'acme', '--server', base, '--signature', TRUSTED_SIG, ARTIFACT], {
      env: { TRUSTGATE_TOKEN: TOKEN, ...env },
    });

  describe('when its certificate is not trusted (a man in the middle with a certificate of its own)', () => {
    it('exits 4 before any request is sent, so the token and the package go nowhere', async () => {
      const before = seen.length;
      const run = await verify({});
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+\S+\s+SERVER_UNREACHABLE: .*self.signed certificate/i);
      expect(seen.length).toBe(before);
    });
  });

  describe('when NODE_TLS_REJECT_UNAUTHORIZED=0 is set and Node’s own warnings are silenced', () => {
    it('still warns that the answers are unauthenticated and the token goes to whoever answers', async () => {
      const run = await verify({ NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' });
      // The user's own choice: the verdict is read, but not in silence.
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /warning: NODE_TLS_REJECT_UNAUTHORIZED=0: the certificate of 127\.0\.0\.1:\d+ is not checked: its answers are unauthenticated and TRUSTGATE_TOKEN goes to whoever answers/,
      );
      expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
    });
  });

  describe('when its certificate is trusted (NODE_EXTRA_CA_CERTS, as for a company CA)', () => {
    it('verifies over TLS, the token sent once', async () => {
      const before = seen.length;
      const run = await verify({ NODE_EXTRA_CA_CERTS: CERT });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^trusted\s/);
      expect(run.stderr).not.toContain('plain http');
      expect(seen.slice(before)).toEqual([`Bearer ${TOKEN}`]);
    });
  });
});
