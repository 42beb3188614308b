import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BundledTrustStore } from '../../src/platform/bundled-seed';
import { PLAYBOOK_SOURCES, TRUST_STORE_BUNDLE, TSA_BUNDLE } from '../../src/platform/trust-store-bundle';
import worker from '../../src/platform/worker';
import { createWorker } from '../../src/platform/worker-runtime';
import { call, fixtures, testDatabase, testEnv } from './helpers';

const FEED_URL = 'https://vendor.example/feed.xml';
const GLOBEX_FEED_URL = 'https://globex.example/advisories.xml';
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
  it('polls a due feed through the platform fetch into D1, with the seed imported first', async () => {
    const edge = createWorker({ bundle: TRUST_STORE_BUNDLE, tsa: TSA_BUNDLE, playbooks: PLAYBOOK_SOURCES });
    const subscribed = await edge.fetch(
      new Request('https://trustgate.test/vendors/globex/feeds', {
        method: 'POST',
        headers: { authorization: `Bearer ${testEnv.ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: GLOBEX_FEED_URL, reason: 'workers test' }),
      }),
      testEnv,
      createExecutionContext(),
    );
    expect(subscribed.status).toBe(201);
    const feedId = ((await subscribed.json()) as { id: string }).id;
    const asked = answerFetches(() => new Response(fixtures.feeds['vendor-rss.xml'], { status: 200 }));
    await runCron(edge);

    // the feed first; then the certificate files its items link to, through the same fetch
    expect(asked[0]).toBe(GLOBEX_FEED_URL);
    const { db } = testDatabase();
    const vendors = await db.all<{ id: string }>(sql`select id from vendors order by id`);
    expect(vendors.map((v) => v.id)).toEqual(['acme', 'globex']);
    const items = await db.all<{ guid: string }>(
      sql`select guid from advisory_items where feed_id = ${feedId}`,
    );
    expect(items.map((i) => i.guid)).toContain('https://vendor.example/2026/05/20/root-ye/');
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
    const edge = createWorker({ bundle, tsa: TSA_BUNDLE, playbooks: PLAYBOOK_SOURCES });
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
