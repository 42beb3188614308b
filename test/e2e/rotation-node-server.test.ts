import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { cmsFixtureText, derOfPem, rss, sha256Hex } from './rotation-helpers';

const ADMIN = 'node-server-feeds-admin-token-0123456789';
const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const R2_CROSS_PEM = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));

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
  let server: NpmStartedServer;
  let feeds: FeedServer;
  let base: string;
  const output = () => server.output();
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

    server = await startWithNpm({
      TRUST_STORE_DIR: join(dir, 'store'),
      ADMIN_TOKEN: ADMIN,
      FEEDS_ALLOW_PRIVATE: 'true',
      FEEDS_TICK_SECONDS: '1',
    });
    base = server.base;
  }, 60_000);

  afterAll(async () => {
    server?.stop();
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
        output,
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
        output,
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
