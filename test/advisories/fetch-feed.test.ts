import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  anyHttpUrl,
  DEFAULT_FETCH_LIMITS,
  type FeedState,
  type FetchLimits,
  fetchFeed,
} from '../../src/advisories/index';
import {
  type FeedServer,
  fixtureText,
  PINNED_NOW,
  pinnedClock,
  serve,
  startFeedServer,
} from './helpers/feed-server';

const limits: FetchLimits = {
  ...DEFAULT_FETCH_LIMITS,
  timeoutMs: 1_000,
  maxBytes: 64 * 1024,
  maxRedirects: 2,
};
const deps = { fetch: globalThis.fetch, now: pinnedClock, isAllowedUrl: anyHttpUrl };

function feedAt(url: string, validators: Partial<Pick<FeedState, 'etag' | 'lastModified'>> = {}): FeedState {
  return {
    id: 'feed-1',
    vendorId: 'acme',
    url,
    etag: validators.etag ?? null,
    lastModified: validators.lastModified ?? null,
    status: 'active',
    disabledReason: null,
    consecutiveFailures: 0,
  };
}

describe('fetchFeed', () => {
  let server: FeedServer;
  beforeEach(async () => {
    server = await startFeedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('when the feed answers 200', () => {
    it('returns the body with its validators and content type', async () => {
      const body = fixtureText('vendor-rss.xml');
      server.route(
        '/feed.xml',
        serve(body, {
          'content-type': 'application/rss+xml; charset=utf-8',
          etag: 'W/"abc-123"',
          'last-modified': 'Wed, 20 May 2026 16:00:00 GMT',
        }),
      );
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits);
      expect(outcome).toEqual({
        kind: 'ok',
        body,
        contentType: 'application/rss+xml; charset=utf-8',
        etag: 'W/"abc-123"',
        lastModified: 'Wed, 20 May 2026 16:00:00 GMT',
        finalUrl: `${server.origin}/feed.xml`,
      });
      const [request] = server.requestsTo('/feed.xml');
      expect(request?.headers['if-none-match']).toBeUndefined();
      expect(request?.headers['if-modified-since']).toBeUndefined();
      expect(request?.headers.accept).toContain('application/rss+xml');
    });
  });

  describe('when the feed declares a charset other than UTF-8', () => {
    it('decodes the body with it', async () => {
      const latin1 = Buffer.from(
        '<rss version="2.0"><channel><title>Caf\u00e9</title></channel></rss>',
        'latin1',
      );
      server.route('/feed.xml', serve(latin1, { 'content-type': 'application/rss+xml; charset=ISO-8859-1' }));
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits);
      expect(outcome).toMatchObject({
        kind: 'ok',
        body: '<rss version="2.0"><channel><title>Caf\u00e9</title></channel></rss>',
      });
    });
  });

  describe('when validators are kept from the last poll', () => {
    it('sends them back exactly and reports 304 as not modified', async () => {
      server.route('/feed.xml', (req, res) => {
        const match = req.headers['if-none-match'] === 'W/"abc-123"';
        res.writeHead(match ? 304 : 200, { etag: 'W/"abc-123"' }).end(match ? undefined : 'changed');
      });
      const feed = feedAt(`${server.origin}/feed.xml`, {
        etag: 'W/"abc-123"',
        lastModified: 'Wed, 20 May 2026 16:00:00 GMT',
      });
      expect(await fetchFeed(deps, feed, limits)).toEqual({ kind: 'not_modified' });
      const [request] = server.requestsTo('/feed.xml');
      expect(request?.headers['if-none-match']).toBe('W/"abc-123"');
      expect(request?.headers['if-modified-since']).toBe('Wed, 20 May 2026 16:00:00 GMT');
    });
  });

  describe('when the server answers 429 or 503 with Retry-After', () => {
    it('returns retry_later at now + delay-seconds for 429', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits);
      expect(outcome).toEqual({
        kind: 'retry_later',
        until: new Date(PINNED_NOW.getTime() + 120_000),
        reason: 'HTTP 429',
      });
    });

    it('returns retry_later at the HTTP-date for 503', async () => {
      server.route('/feed.xml', (_req, res) =>
        res.writeHead(503, { 'retry-after': 'Mon, 01 Jun 2026 13:30:00 GMT' }).end(),
      );
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits);
      expect(outcome).toEqual({
        kind: 'retry_later',
        until: new Date('2026-06-01T13:30:00Z'),
        reason: 'HTTP 503',
      });
    });

    it('treats a 503 without a usable Retry-After as an error', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(503, { 'retry-after': 'soon' }).end());
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits);
      expect(outcome).toMatchObject({ kind: 'error', reason: 'http_status', status: 503 });
    });
  });

  describe('when the server fails or the feed is gone', () => {
    it('returns an error for a 500', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(500).end('boom'));
      expect(await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits)).toEqual({
        kind: 'error',
        reason: 'http_status',
        detail: 'HTTP 500',
        status: 500,
      });
    });

    it('returns gone for a 410', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(410).end());
      expect(await fetchFeed(deps, feedAt(`${server.origin}/feed.xml`), limits)).toEqual({ kind: 'gone' });
    });

    it('returns a network error when nothing listens', async () => {
      const url = `${server.origin}/feed.xml`;
      await server.close();
      server = await startFeedServer(); // a different port; the old one is closed
      expect(await fetchFeed(deps, feedAt(url), limits)).toMatchObject({ kind: 'error', reason: 'network' });
    });
  });

  describe('when the server is slow', () => {
    it('gives up after the timeout, also while the body trickles in', async () => {
      server.route('/silent.xml', () => {
        /* never answers */
      });
      server.route('/trickle.xml', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<rss version="2.0">');
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const silent = await fetchFeed(deps, feedAt(`${server.origin}/silent.xml`), {
        ...limits,
        timeoutMs: 300,
      });
      const trickle = await fetchFeed(deps, feedAt(`${server.origin}/trickle.xml`), {
        ...limits,
        timeoutMs: 300,
      });
      expect(silent).toMatchObject({ kind: 'error', reason: 'timeout' });
      expect(trickle).toMatchObject({ kind: 'error', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(3_000);
    });
  });

  describe('when the body is larger than the cap', () => {
    it('refuses a declared Content-Length over the cap', async () => {
      server.route('/big.xml', serve('x'.repeat(limits.maxBytes + 1)));
      expect(await fetchFeed(deps, feedAt(`${server.origin}/big.xml`), limits)).toMatchObject({
        kind: 'error',
        reason: 'too_large',
      });
    });

    it('aborts a chunked body as soon as it passes the cap', async () => {
      let written = 0;
      let closed = false;
      server.route('/endless.xml', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }); // chunked, no Content-Length
        const chunk = 'y'.repeat(16 * 1024);
        const pump = () => {
          while (!closed && written < 50 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => {
          closed = true;
        });
        pump();
      });
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/endless.xml`), limits);
      expect(outcome).toMatchObject({ kind: 'error', reason: 'too_large' });
      await new Promise((r) => setTimeout(r, 100));
      expect(closed).toBe(true);
      expect(written).toBeLessThan(50 * 1024 * 1024);
    });
  });

  describe('when a small compressed body inflates past the cap', () => {
    it('counts the decoded bytes and stops', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(limits.maxBytes);
      server.route(
        '/bomb.xml',
        serve(bomb, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }),
      );
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/bomb.xml`), limits);
      expect(outcome).toMatchObject({ kind: 'error', reason: 'too_large' });
    });
  });

  describe('when the feed redirects', () => {
    it('follows redirects up to the limit and reports the final URL', async () => {
      server.route('/old.xml', (_req, res) => res.writeHead(301, { location: '/mid.xml' }).end());
      server.route('/mid.xml', (_req, res) =>
        res.writeHead(302, { location: `${server.origin}/feed.xml` }).end(),
      );
      server.route('/feed.xml', serve('<rss version="2.0"><channel></channel></rss>'));
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/old.xml`, { etag: '"e1"' }), limits);
      expect(outcome).toMatchObject({ kind: 'ok', finalUrl: `${server.origin}/feed.xml` });
      expect(server.requestsTo('/feed.xml')[0]?.headers['if-none-match']).toBe('"e1"');
    });

    it('stops after too many redirects', async () => {
      server.route('/loop.xml', (_req, res) => res.writeHead(307, { location: '/loop.xml' }).end());
      const outcome = await fetchFeed(deps, feedAt(`${server.origin}/loop.xml`), limits);
      expect(outcome).toMatchObject({ kind: 'error', reason: 'too_many_redirects' });
      expect(server.requestsTo('/loop.xml')).toHaveLength(limits.maxRedirects + 1);
    });

    it('re-checks every hop: scheme and URL guard', async () => {
      server.route('/to-ftp.xml', (_req, res) =>
        res.writeHead(302, { location: 'ftp://127.0.0.1/feed.xml' }).end(),
      );
      server.route('/to-private.xml', (_req, res) =>
        res.writeHead(302, { location: 'http://10.0.0.7/feed.xml' }).end(),
      );
      const guard = (url: URL) => url.hostname === '127.0.0.1';
      expect(await fetchFeed(deps, feedAt(`${server.origin}/to-ftp.xml`), limits)).toMatchObject({
        kind: 'error',
        reason: 'unsupported_scheme',
      });
      expect(
        await fetchFeed({ ...deps, isAllowedUrl: guard }, feedAt(`${server.origin}/to-private.xml`), limits),
      ).toMatchObject({ kind: 'error', reason: 'url_not_allowed' });
    });
  });

  describe('when no URL guard is given', () => {
    it('refuses loopback addresses without sending a request', async () => {
      server.route('/feed.xml', serve('<rss/>'));
      const outcome = await fetchFeed(
        { fetch: globalThis.fetch, now: pinnedClock },
        feedAt(`${server.origin}/feed.xml`),
        limits,
      );
      expect(outcome).toMatchObject({ kind: 'error', reason: 'url_not_allowed' });
      expect(server.requests).toHaveLength(0);
    });

    it('refuses schemes other than http and https', async () => {
      const outcome = await fetchFeed(deps, feedAt('file:///etc/passwd'), limits);
      expect(outcome).toMatchObject({ kind: 'error', reason: 'unsupported_scheme' });
    });
  });
});
