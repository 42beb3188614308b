import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BundledTrustStore } from '../../src/platform/bundled-seed';
import { PLAYBOOK_SOURCES, TRUST_STORE_BUNDLE, TSA_BUNDLE } from '../../src/platform/trust-store-bundle';
import worker from '../../src/platform/worker';
import { createWorker } from '../../src/platform/worker-runtime';
import type { FeedPollingDeps } from '../../src/services/feed-polling';
import { pollDueFeeds } from '../../src/services/feed-polling';
import { call, fixtures, testDatabase, testEnv } from './helpers';

const FEED_URL = 'https://vendor.example/feed.xml';
const CRON = '*/15 * * * *';

/** Answers the worker's outbound fetches here (nothing leaves the machine); records what was asked. */
function answerFetches(answer: (url: string) => Response) {
  const asked: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push(url);
    return answer(url);
  });
  return asked;
}

async function runCron(handler: { scheduled: typeof worker.scheduled }) {
  const ctx = createExecutionContext();
  await handler.scheduled(createScheduledController({ cron: CRON, scheduledTime: new Date() }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('scheduled (the cron trigger in wrangler.toml)', () => {
  it('hands the feed poller D1 with the seed imported, the platform fetch, a clock, jitter and WebCrypto', async () => {
    const seen: FeedPollingDeps[] = [];
    const probe = createWorker({
      bundle: TRUST_STORE_BUNDLE,
      tsa: TSA_BUNDLE,
      playbooks: PLAYBOOK_SOURCES,
      pollDueFeeds: async (deps) => {
        seen.push(deps);
        const res = await deps.fetch(FEED_URL, { headers: { accept: 'application/rss+xml' } });
        return { polled: res.ok ? 1 : 0 };
      },
    });
    const asked = answerFetches(() => new Response(fixtures.feeds['vendor-rss.xml'], { status: 200 }));
    await runCron(probe);

    expect(seen).toHaveLength(1);
    expect(asked).toEqual([FEED_URL]);
    const deps = seen[0] as FeedPollingDeps;
    expect(deps.now()).toBeInstanceOf(Date);
    expect(deps.random()).toBeGreaterThanOrEqual(0);
    expect(deps.random()).toBeLessThan(1);
    expect(deps.subtle).toBe(crypto.subtle);
    const vendors = await deps.db.all<{ id: string }>(sql`select id from vendors order by id`);
    expect(vendors.map((v) => v.id)).toEqual(['acme', 'globex']);
  });

  it('runs the real entry (src/platform/worker.ts) to completion', async () => {
    answerFetches(() => new Response('not expected', { status: 500 }));
    await expect(runCron(worker)).resolves.toBeUndefined();
  });

  it('subscribes the feeds a bundled vendor.json lists, and the next cron run polls them into D1', async () => {
    // trust-store/ as if acme's vendor.json listed a feed (another bundle: imported on first use too).
    const bundle: BundledTrustStore = {
      sha256: 'workers-test-bundle-with-a-feed',
      vendors: TRUST_STORE_BUNDLE.vendors.map((v) =>
        v.id === 'acme'
          ? { ...v, vendorJson: JSON.stringify({ ...JSON.parse(v.vendorJson ?? '{}'), feeds: [FEED_URL] }) }
          : v,
      ),
    };
    const edge = createWorker({ bundle, tsa: TSA_BUNDLE, playbooks: PLAYBOOK_SOURCES, pollDueFeeds });
    const asked = answerFetches((url) =>
      url === FEED_URL
        ? new Response(fixtures.feeds['vendor-rss.xml'], {
            status: 200,
            headers: { 'content-type': 'application/rss+xml', etag: '"v1"' },
          })
        : new Response('not found', { status: 404 }),
    );
    const ctx = createExecutionContext();
    expect((await edge.fetch(new Request('https://trustgate.test/health'), testEnv, ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
    const { db } = testDatabase();
    const subscribed = await db.all<{ id: string; url: string }>(
      sql`select id, url from feeds where vendor_id = 'acme'`,
    );
    expect(subscribed.map((f) => f.url)).toEqual([FEED_URL]);
    expect(asked).toEqual([]);

    await runCron(edge);
    expect(asked[0]).toBe(FEED_URL);
    const items = await db.all<{ guid: string }>(
      sql`select guid from advisory_items where feed_id = ${subscribed[0]?.id}`,
    );
    expect(items.map((i) => i.guid)).toContain('https://vendor.example/2026/05/20/root-ye/');
    const feedsPage = await call('GET', '/feeds?vendor=acme', { token: testEnv.ADMIN_TOKEN });
    expect(feedsPage.status).toBe(200);
    expect(JSON.stringify(await feedsPage.json())).toContain(FEED_URL);
  });
});
