import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { rss } from '../e2e/rotation-helpers';
import { signInToConsole } from '../helpers/console-client';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

describe('console feeds page', () => {
  let server: FeedServer;
  let t: App | undefined;
  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(() => server.close());
  afterEach(() => t?.close());

  async function goneFeed(app: App) {
    const url = `${server.origin}/gone.xml`;
    server.route('/gone.xml', (_req, res) => res.writeHead(410).end());
    const feed = await (
      await app.call('POST', '/vendors/acme/feeds', {
        token: app.alice,
        body: { url, reason: 'vendor feed' },
      })
    ).json();
    const polled = await (await app.call('POST', `/feeds/${feed.id}/poll`, { token: app.alice })).json();
    expect(polled.outcome).toBe('gone');
    return { id: feed.id as string, url };
  }

  describe('when a feed was disabled by a 410 Gone', () => {
    it('shows it disabled, with the reason, the failures, the last error and no next poll', async () => {
      t = await createAdminTestApp({ allowPrivateFeeds: true });
      const feed = await goneFeed(t);
      const oncall = (await t.createToken('olivia', 'oncall')).secret;
      const client = await signInToConsole(t.app, oncall);
      const res = await client.get('/console/feeds');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<h1>Feeds</h1>');
      expect(html).toContain(feed.url);
      expect(html).toContain('badge state-disabled');
      expect(html).toMatch(/Disabled: [^<]*410 Gone/);
      expect(html).toContain('HTTP 410 Gone');
      expect(html).toContain('not scheduled (disabled)');
      expect(html).toContain('gone (410)');
      // on-call reads, but has no button to poll
      expect(html).not.toContain('Poll now');
      expect(html).not.toContain('Enable and poll now');
    });
  });

  describe('when an admin polls a disabled feed from the page', () => {
    it('enables it again (audited under the admin), and the page shows it active', async () => {
      t = await createAdminTestApp({ allowPrivateFeeds: true });
      const feed = await goneFeed(t);
      server.route(
        '/gone.xml',
        serve(rss(server.origin, [{ guid: '/a/', title: 'Back', description: '<p>nothing new</p>' }]), {
          'content-type': 'application/rss+xml',
        }),
      );
      const client = await signInToConsole(t.app, t.bob);
      const page = await (await client.get('/console/feeds')).text();
      expect(page).toContain('Enable and poll now');
      const posted = await client.post(`/console/feeds/${feed.id}/poll`);
      expect(posted.status).toBe(303);
      expect(posted.headers.get('location')).toBe(`/console/feeds?done=polled#feed-${feed.id}`);
      const after = await (await client.get('/console/feeds?done=polled')).text();
      expect(after).toContain('The feed was polled');
      expect(after).toContain('badge state-active');
      const listed = (await (await t.call('GET', '/feeds', { token: t.alice })).json()).feeds[0];
      expect(listed).toMatchObject({ status: 'active', lastOutcome: 'ok' });
      const { entries } = await (await t.call('GET', '/audit?vendor=acme', { token: t.alice })).json();
      expect(entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toContainEqual([
        'feed.enable',
        'bob',
      ]);
    });
  });

  describe('when on-call posts the poll form anyway', () => {
    it('is refused with FORBIDDEN and the feed stays disabled', async () => {
      t = await createAdminTestApp({ allowPrivateFeeds: true });
      const feed = await goneFeed(t);
      const client = await signInToConsole(t.app, (await t.createToken('olivia', 'oncall')).secret);
      const res = await client.post(`/console/feeds/${feed.id}/poll`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('FORBIDDEN');
      const listed = (await (await t.call('GET', '/feeds', { token: t.alice })).json()).feeds[0];
      expect(listed.status).toBe('disabled');
    });
  });
});
