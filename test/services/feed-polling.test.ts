import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anyHttpUrl } from '../../src/advisories';
import { createAuditReader, createTrustRepository } from '../../src/db';
import { createAdvisoryRepository } from '../../src/db/advisory-repository';
import { createCandidateRepository } from '../../src/db/candidate-repository';
import { createFeedRepository } from '../../src/db/feed-repository';
import { createFeedService, type FeedServiceDeps } from '../../src/services/feeds';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { cmsFixtureText } from '../e2e/rotation-helpers';
import { createTestApp } from '../helpers/test-app';

type App = Awaited<ReturnType<typeof createTestApp>>;

const START = new Date('2026-06-01T00:00:00Z');
const EMPTY_RSS = '<rss version="2.0"><channel><title>t</title></channel></rss>';
const HOUR = 3600_000;

describe('feed service pollDue (the Node timer and the Workers cron)', () => {
  let server: FeedServer;
  let t: App;
  let clock: Date;
  let random: number;
  const deps = (extra: Partial<FeedServiceDeps> = {}): FeedServiceDeps => ({
    feeds: createFeedRepository(t.db),
    advisories: createAdvisoryRepository(t.db),
    candidates: createCandidateRepository(t.db),
    trust: createTrustRepository(t.db),
    fetch: globalThis.fetch,
    subtle: globalThis.crypto.subtle,
    now: () => new Date(clock),
    random: () => random,
    isAllowedUrl: anyHttpUrl,
    limits: { timeoutMs: 2_000 },
    ...extra,
  });
  const pollDueFeeds = (serviceDeps: FeedServiceDeps) => createFeedService(serviceDeps).pollDue();
  const subscribe = (path: string, pollIntervalSeconds: number | null = null) =>
    t.feeds.subscribe({
      vendorId: 'acme',
      url: `${server.origin}${path}`,
      pollIntervalSeconds,
      actor: 'alice',
      reason: null,
    });
  const feedState = async (id: string) => (await t.feeds.get(id)).state;

  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    clock = new Date(START);
    random = 0.5;
    t = await createTestApp({ allowPrivateFeeds: true, clock: () => new Date(clock) });
    server.requests.length = 0;
  });
  afterEach(() => t.close());

  describe('when a feed was never polled', () => {
    it('polls it at once and schedules the next poll at its interval with jitter', async () => {
      server.route('/a.xml', serve(EMPTY_RSS, { 'content-type': 'application/rss+xml' }));
      const a = await subscribe('/a.xml');
      random = 0; // the low end of ±10 %
      expect(await pollDueFeeds(deps())).toMatchObject({ polled: 1, succeeded: 1, disabled: 0 });
      expect(await feedState(a.id)).toMatchObject({
        lastOutcome: 'ok',
        lastPolledAt: START.toISOString(),
        lastSuccessAt: START.toISOString(),
        nextPollAt: new Date(START.getTime() + 0.9 * HOUR).toISOString(),
        leaseUntil: null,
      });
    });
  });

  describe('when feeds have their own schedules', () => {
    it('polls only the feeds that are due, each on its own interval', async () => {
      server.route('/hourly.xml', serve(EMPTY_RSS, { 'content-type': 'application/rss+xml' }));
      server.route('/daily.xml', serve(EMPTY_RSS, { 'content-type': 'application/rss+xml' }));
      await subscribe('/hourly.xml');
      await subscribe('/daily.xml', 86_400);
      expect((await pollDueFeeds(deps())).polled).toBe(2);

      clock = new Date(START.getTime() + 30 * 60_000);
      expect((await pollDueFeeds(deps())).polled).toBe(0);

      clock = new Date(START.getTime() + 2 * HOUR);
      expect((await pollDueFeeds(deps())).polled).toBe(1);
      expect(server.requestsTo('/hourly.xml')).toHaveLength(2);
      expect(server.requestsTo('/daily.xml')).toHaveLength(1);
    });
  });

  describe('when more feeds are due than one call polls', () => {
    it('polls at most maxFeeds, at most `concurrency` at a time', async () => {
      let inFlight = 0;
      let peak = 0;
      for (let i = 0; i < 5; i++) {
        server.route(`/slow-${i}.xml`, (_req, res) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          setTimeout(() => {
            inFlight--;
            res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(EMPTY_RSS);
          }, 50);
        });
        await subscribe(`/slow-${i}.xml`);
      }
      expect((await pollDueFeeds(deps({ maxFeeds: 3, concurrency: 2 }))).polled).toBe(3);
      expect(peak).toBe(2);
      expect((await pollDueFeeds(deps({ maxFeeds: 3, concurrency: 2 }))).polled).toBe(2);
      expect(server.requests).toHaveLength(5);
    });
  });

  describe("when the app's own feed service runs the tick (`feeds.pollDue`)", () => {
    it('polls the due feeds with the same limits, over the same stores the routes use', async () => {
      for (let i = 0; i < 3; i++) {
        server.route(`/tick-${i}.xml`, serve(EMPTY_RSS, { 'content-type': 'application/rss+xml' }));
        await subscribe(`/tick-${i}.xml`);
      }
      expect(await t.feeds.pollDue({ maxFeeds: 2, concurrency: 1 })).toMatchObject({
        polled: 2,
        succeeded: 2,
      });
      expect(await t.feeds.pollDue({ maxFeeds: 2, concurrency: 1 })).toMatchObject({
        polled: 1,
        succeeded: 1,
      });
      expect((await t.feeds.list()).map((f) => f.state.lastOutcome)).toEqual(['ok', 'ok', 'ok']);
    });
  });

  describe('when two pollers run at the same time (Node timer and a manual poll, two cron runs)', () => {
    it('polls each due feed once: the second finds it held', async () => {
      server.route('/held.xml', (_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(EMPTY_RSS), 50);
      });
      const feed = await subscribe('/held.xml');
      const [a, b] = await Promise.all([pollDueFeeds(deps()), pollDueFeeds(deps())]);
      expect(a.polled + b.polled).toBe(1);
      expect(server.requestsTo('/held.xml')).toHaveLength(1);
      expect((await feedState(feed.id)).leaseUntil).toBeNull();
    });
  });

  describe('when a feed keeps failing', () => {
    it('backs off, and after 20 failures in a row disables it with the reason (audited)', async () => {
      server.route('/broken.xml', (_req, res) => res.writeHead(500).end('oops'));
      const feed = await subscribe('/broken.xml');
      for (let i = 1; i <= 20; i++) {
        expect((await pollDueFeeds(deps())).polled).toBe(1);
        const state = await feedState(feed.id);
        expect(state.consecutiveFailures).toBe(i);
        if (i < 20) {
          expect(state.status).toBe('active');
          clock = new Date(state.nextPollAt as string);
        }
      }
      const state = await feedState(feed.id);
      expect(state).toMatchObject({ status: 'disabled', nextPollAt: null, lastOutcome: 'error' });
      expect(state.disabledReason).toMatch(/^disabled after 20 failed polls in a row; last: .*500/);
      clock = new Date(clock.getTime() + 100 * HOUR);
      expect((await pollDueFeeds(deps())).polled).toBe(0);
      const audit = await createAuditReader(t.db).list({ targetId: feed.id, limit: 100 });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([
        ['feed.subscribe', 'alice'],
        ['feed.disable', 'feed-poller'],
      ]);
    });
  });

  describe('when a feed asks to come back later (503 with Retry-After)', () => {
    it('schedules the next poll at that time', async () => {
      server.route('/busy.xml', (_req, res) => res.writeHead(503, { 'retry-after': '7200' }).end());
      const feed = await subscribe('/busy.xml');
      await pollDueFeeds(deps());
      expect(await feedState(feed.id)).toMatchObject({
        status: 'active',
        consecutiveFailures: 1,
        nextPollAt: new Date(START.getTime() + 2 * HOUR).toISOString(),
      });
    });
  });
});

describe('subscribeSeedFeeds (the feeds vendor.json lists, subscribed at start-up)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustgate-seed-feeds-'));
    mkdirSync(join(dir, 'acme'));
    writeFileSync(join(dir, 'acme/acme-root-rsa.pem'), cmsFixtureText('trust-store/acme/acme-root-rsa.pem'));
    writeFileSync(
      join(dir, 'acme/vendor.json'),
      JSON.stringify({
        name: 'Acme',
        feeds: ['https://acme.example/pki/feed.xml', 'http://127.0.0.1:9/feed.xml'],
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when the service refuses private addresses', () => {
    it('subscribes the public feed, skips the loopback one with the reason, and does it once', async () => {
      const t = await createTestApp({ trustStoreDir: dir, subscribeSeedFeeds: true });
      try {
        expect(t.seedFeeds?.subscribed.map((f) => f.url)).toEqual(['https://acme.example/pki/feed.xml']);
        expect(t.seedFeeds?.skipped).toEqual([
          { vendorId: 'acme', url: 'http://127.0.0.1:9/feed.xml', why: expect.stringMatching(/not allowed/) },
        ]);
        const again = await t.feeds.subscribeSeedFeeds(t.seed.feeds);
        expect(again.subscribed).toEqual([]);
        const feeds = await t.feeds.list();
        expect(feeds.map((f) => [f.vendorId, f.url, f.createdBy])).toEqual([
          ['acme', 'https://acme.example/pki/feed.xml', 'seed'],
        ]);
      } finally {
        t.close();
      }
    });
  });

  describe('when private addresses are allowed (tests, FEEDS_ALLOW_PRIVATE=true)', () => {
    it('subscribes both', async () => {
      const t = await createTestApp({
        trustStoreDir: dir,
        subscribeSeedFeeds: true,
        allowPrivateFeeds: true,
      });
      try {
        expect(t.seedFeeds?.subscribed).toHaveLength(2);
      } finally {
        t.close();
      }
    });
  });
});
