import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PLAYBOOK_SOURCES, TRUST_STORE_BUNDLE } from '../../src/platform/trust-store-bundle';
import worker from '../../src/platform/worker';
import { createWorker } from '../../src/platform/worker-runtime';
import type { FeedPollingDeps } from '../../src/services/feed-polling';
import { fixtures, testDatabase, testEnv } from './helpers';

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

  it('polls a subscribed feed that is due: the fetch is answered here and its items land in D1', async () => {
    const { db } = testDatabase();
    const now = new Date().toISOString();
    await db.run(sql`insert into feeds (id, vendor_id, url, state, created_by, created_at)
        values ('feed_workers_test', 'acme', ${FEED_URL}, ${JSON.stringify({
          etag: null,
          lastModified: null,
          status: 'active',
          disabledReason: null,
          consecutiveFailures: 0,
          nextPollAt: null,
        })}, 'workers-test', ${now})`);
    const asked = answerFetches((url) =>
      url === FEED_URL
        ? new Response(fixtures.feeds['vendor-rss.xml'], {
            status: 200,
            headers: { 'content-type': 'application/rss+xml', etag: '"v1"' },
          })
        : new Response('not found', { status: 404 }),
    );
    await runCron(worker);

    expect(asked[0]).toBe(FEED_URL);
    const items = await db.all<{ guid: string }>(
      sql`select guid from advisory_items where feed_id = 'feed_workers_test'`,
    );
    expect(items.map((i) => i.guid)).toContain('https://vendor.example/2026/05/20/root-ye/');
    const [feed] = await db.all<{ state: string }>(
      sql`select state from feeds where id = 'feed_workers_test'`,
    );
    expect(JSON.parse(feed?.state ?? '{}')).toMatchObject({ etag: '"v1"', consecutiveFailures: 0 });
  });
});
