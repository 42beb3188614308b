import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { cmsFixtureText, derOfPem, rss, sha256Hex } from './rotation-helpers';

const ROOT = join(import.meta.dirname, '../..');
const ADMIN = 'node-server-feeds-admin-token-0123456789';
const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const R2_CROSS_PEM = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | null>, log: () => string): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen:\n${log()}`);
}

describe('the Node server polling the feeds vendor.json lists (npm start)', () => {
  let child: ChildProcess;
  let feeds: FeedServer;
  let base: string;
  let output = '';
  const dir = mkdtempSync(join(tmpdir(), 'trustgate-feeds-server-'));
  const get = async (path: string) =>
    (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();

  beforeAll(async () => {
    feeds = await startFeedServer();
    feeds.route(
      '/feed.xml',
      serve(
        rss(feeds.origin, [
          {
            guid: '/r2/',
            title: 'Acme Root R2',
            description: '<p>New root: <a href="/r2.pem">R2 certificates</a></p>',
          },
        ]),
        { 'content-type': 'application/rss+xml' },
      ),
    );
    feeds.route('/r2.pem', serve(`${R2_PEM}${R2_CROSS_PEM}`, { 'content-type': 'application/x-pem-file' }));
    mkdirSync(join(dir, 'store/acme'), { recursive: true });
    writeFileSync(
      join(dir, 'store/acme/acme-root-rsa.pem'),
      cmsFixtureText('trust-store/acme/acme-root-rsa.pem'),
    );
    writeFileSync(
      join(dir, 'store/acme/vendor.json'),
      JSON.stringify({ name: 'Acme', feeds: [`${feeds.origin}/feed.xml`] }),
    );

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${join(dir, 'db', 'trustgate.db')}`,
        TRUST_STORE_DIR: join(dir, 'store'),
        ADMIN_TOKEN: ADMIN,
        FEEDS_ALLOW_PRIVATE: 'true',
        FEEDS_TICK_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
  }, 60_000);

  afterAll(async () => {
    // npm runs the server as its child: stop the whole process group.
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when it has started', () => {
    it('subscribed the feed from vendor.json, and its timer polled it into a corroborated candidate', async () => {
      const listed = await until(
        'the feed subscription',
        async () => {
          const body = await get('/feeds');
          return body.feeds?.length ? body.feeds : null;
        },
        () => output,
      );
      expect(listed).toEqual([
        expect.objectContaining({ vendor: 'acme', url: `${feeds.origin}/feed.xml`, createdBy: 'seed' }),
      ]);
      const candidates = await until(
        'a candidate from the timer',
        async () => {
          const body = await get('/candidates?vendor=acme');
          return body.candidates?.length ? body.candidates : null;
        },
        () => output,
      );
      expect(candidates).toEqual([
        expect.objectContaining({ sha256: R2_SHA256, corroborated: true, root: null }),
      ]);
      expect(feeds.requestsTo('/feed.xml').length).toBeGreaterThanOrEqual(1);
      const [feed] = (await get('/feeds')).feeds;
      expect(feed).toMatchObject({ status: 'active', lastOutcome: 'ok' });
    });
  });
});
