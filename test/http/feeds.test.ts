import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { cmsFixtureText, colonHex, derOfPem, rss, sha256Hex } from '../e2e/rotation-helpers';
import { createAdminTestApp, problem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const R2_SHA256 = sha256Hex(derOfPem(cmsFixtureText('extra-roots/acme-root-r2.pem')));
const OTHER_SHA256 = 'ab'.repeat(32);

const item = (fingerprint: string, extra = '') => ({
  guid: '/advisories/root-rotation/',
  title: 'Root rotation',
  description: `<p>Our new root.${extra}</p><p>SHA-256 fingerprint: <code>${colonHex(fingerprint)}</code></p>`,
});

async function auditActions(t: App, vendor = 'acme') {
  const { entries } = await (
    await t.call('GET', `/audit?vendor=${vendor}&limit=1000`, { token: t.alice })
  ).json();
  return (entries as { action: string; actor: string; targetType: string; reason: string | null }[]).filter(
    (e) => e.targetType === 'feed',
  );
}

describe('feeds API', () => {
  let server: FeedServer;
  let t: App;
  let oncall: string;
  let url: string;

  beforeAll(async () => {
    server = await startFeedServer();
    url = `${server.origin}/feed.xml`;
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    t = await createAdminTestApp({ allowPrivateFeeds: true });
    oncall = (await t.createToken('olivia', 'oncall')).secret;
    server.route(
      '/feed.xml',
      serve(rss(server.origin, [item(R2_SHA256)]), { 'content-type': 'application/rss+xml' }),
    );
  });
  afterEach(() => t.close());

  const subscribe = async (token = t.alice, body: Record<string, unknown> = { url, reason: 'vendor feed' }) =>
    t.call('POST', '/vendors/acme/feeds', { token, body });

  describe('when an admin subscribes, lists and unsubscribes a feed', () => {
    it('answers 201, 204, lists it in between, and audits both changes with who and why', async () => {
      const created = await subscribe();
      expect(created.status).toBe(201);
      const feed = await created.json();
      expect(feed).toMatchObject({
        vendor: 'acme',
        url,
        status: 'active',
        createdBy: 'alice',
        disabledReason: null,
      });
      expect(created.headers.get('location')).toBe(`/feeds/${feed.id}`);

      const listed = await (await t.call('GET', '/feeds', { token: oncall })).json();
      expect(listed.feeds.map((f: { id: string }) => f.id)).toEqual([feed.id]);

      const deleted = await t.call('DELETE', `/feeds/${feed.id}?reason=moved`, { token: t.bob });
      expect(deleted.status).toBe(204);
      expect((await (await t.call('GET', '/feeds', { token: oncall })).json()).feeds).toEqual([]);
      expect((await problem(await t.call('DELETE', `/feeds/${feed.id}`, { token: t.bob }))).status).toBe(404);

      expect((await auditActions(t)).map((e) => [e.action, e.actor, e.reason])).toEqual([
        ['feed.subscribe', 'alice', 'vendor feed'],
        ['feed.unsubscribe', 'bob', 'moved'],
      ]);
    });
  });

  describe('when the same URL is subscribed twice for the vendor', () => {
    it('answers 409 FEED_EXISTS (the fragment does not make it another feed)', async () => {
      await subscribe();
      const again = await problem(await subscribe(t.bob, { url: `${url}#latest` }));
      expect(again).toMatchObject({ status: 409, body: { code: 'FEED_EXISTS' } });
    });
  });

  describe('when the URL is not http(s) or the vendor is unknown', () => {
    it('answers 400 INVALID_FIELD and 404 NOT_FOUND, and stores nothing', async () => {
      expect(await problem(await subscribe(t.alice, { url: 'ftp://vendor.example/feed.xml' }))).toMatchObject(
        {
          status: 400,
          body: { code: 'INVALID_FIELD' },
        },
      );
      const unknown = await t.call('POST', '/vendors/initech/feeds', { token: t.alice, body: { url } });
      expect((await problem(unknown)).status).toBe(404);
      expect((await (await t.call('GET', '/feeds', { token: oncall })).json()).feeds).toEqual([]);
    });
  });

  describe('when the service does not allow private addresses (the default)', () => {
    it('refuses a loopback or private feed URL with 422 FEED_URL_NOT_ALLOWED', async () => {
      const strict = await createAdminTestApp();
      try {
        for (const refused of [
          url,
          'http://10.1.2.3/feed.xml',
          'http://localhost/feed.xml',
          'http://[::1]/f',
        ]) {
          const res = await problem(
            await strict.call('POST', '/vendors/acme/feeds', { token: strict.alice, body: { url: refused } }),
          );
          expect(res, refused).toMatchObject({ status: 422, body: { code: 'FEED_URL_NOT_ALLOWED' } });
        }
      } finally {
        strict.close();
      }
    });
  });

  describe('when a client reads the OpenAPI document', () => {
    it('describes the feed, candidate and advisory routes', async () => {
      const doc = await (await t.call('GET', '/openapi.json')).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/vendors/{id}/feeds',
          '/feeds',
          '/feeds/{id}',
          '/feeds/{id}/poll',
          '/candidates',
          '/advisories',
        ]),
      );
    });
  });

  describe('when callers lack the role', () => {
    it('lets oncall read feeds, candidates and advisories but not subscribe, poll or delete', async () => {
      const feed = await (await subscribe()).json();
      for (const path of ['/feeds', '/candidates', '/advisories']) {
        expect((await t.call('GET', path, { token: oncall })).status, path).toBe(200);
        expect((await t.call('GET', path)).status, path).toBe(401);
      }
      expect((await problem(await subscribe(oncall))).status).toBe(403);
      expect((await problem(await t.call('POST', `/feeds/${feed.id}/poll`, { token: oncall }))).status).toBe(
        403,
      );
      expect((await problem(await t.call('DELETE', `/feeds/${feed.id}`, { token: oncall }))).status).toBe(
        403,
      );
    });
  });

  describe('when an admin polls a feed by hand', () => {
    it('answers what it found and GET /advisories lists the item with what was extracted', async () => {
      const feed = await (await subscribe()).json();
      const res = await t.call('POST', `/feeds/${feed.id}/poll`, { token: t.alice });
      expect(res.status).toBe(200);
      const polled = await res.json();
      expect(polled).toMatchObject({
        outcome: 'ok',
        feed: { id: feed.id, status: 'active', lastOutcome: 'ok', consecutiveFailures: 0 },
        items: [{ guid: `${server.origin}/advisories/root-rotation/`, change: 'new' }],
        candidates: [{ kind: 'fingerprint', algorithm: 'sha256', sha256: R2_SHA256, corroborated: false }],
      });
      // one hour ± 10 % from the pinned clock; the test app pins the jitter to the middle
      expect(polled.feed.nextPollAt).toBe('2026-06-01T01:00:00.000Z');

      const { advisories } = await (await t.call('GET', '/advisories?vendor=acme', { token: oncall })).json();
      expect(advisories).toEqual([
        expect.objectContaining({
          vendor: 'acme',
          feedId: feed.id,
          feedUrl: url,
          title: 'Root rotation',
          contentHash: polled.items[0].contentHash,
          extracted: expect.objectContaining({
            fingerprints: [expect.objectContaining({ algorithm: 'sha256', hex: R2_SHA256, form: 'colon' })],
          }),
          fingerprintsChanged: false,
          edits: [],
        }),
      ]);
    });
  });

  describe('when an item is edited', () => {
    it('notices a text edit, and flags loudly (audit, advisory, poll answer) an edit that changes a fingerprint', async () => {
      const feed = await (await subscribe()).json();
      const poll = async () => (await t.call('POST', `/feeds/${feed.id}/poll`, { token: t.alice })).json();
      await poll();

      server.route(
        '/feed.xml',
        serve(rss(server.origin, [item(R2_SHA256, ' Updated wording.')]), {
          'content-type': 'application/rss+xml',
        }),
      );
      const textEdit = await poll();
      expect(textEdit.items[0]).toMatchObject({ change: 'edited', fingerprintsChanged: false });
      expect(textEdit.alerts).toEqual([]);

      server.route(
        '/feed.xml',
        serve(rss(server.origin, [item(OTHER_SHA256, ' Updated wording.')]), {
          'content-type': 'application/rss+xml',
        }),
      );
      const fingerprintEdit = await poll();
      expect(fingerprintEdit.items[0]).toMatchObject({
        change: 'edited',
        fingerprintsChanged: true,
        added: [`sha256:${OTHER_SHA256}`],
        removed: [`sha256:${R2_SHA256}`],
      });
      expect(fingerprintEdit.alerts).toHaveLength(1);

      const { advisories } = await (await t.call('GET', '/advisories', { token: oncall })).json();
      expect(advisories[0].fingerprintsChanged).toBe(true);
      expect(advisories[0].edits.map((e: { fingerprintsChanged: boolean }) => e.fingerprintsChanged)).toEqual(
        [false, true],
      );
      expect((await auditActions(t)).map((e) => e.action)).toContain('advisory.fingerprints_changed');
      // both hints stay candidates: the edit does not erase what was announced before
      const { candidates } = await (await t.call('GET', '/candidates', { token: oncall })).json();
      expect(candidates.map((c: { sha256: string }) => c.sha256).sort()).toEqual(
        [OTHER_SHA256, R2_SHA256].sort(),
      );
    });
  });

  describe('when the root that cross-signed a candidate is retired after the poll', () => {
    it('no longer shows the candidate as corroborated: corroboration is by roots active now', async () => {
      const r2 = cmsFixtureText('extra-roots/acme-root-r2.pem');
      const cross = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
      server.route('/r2.pem', serve(`${r2}${cross}`, { 'content-type': 'application/x-pem-file' }));
      server.route(
        '/feed.xml',
        serve(
          rss(server.origin, [
            { guid: '/r2/', title: 'R2', description: '<a href="/r2.pem">R2 certificates</a>' },
          ]),
          {
            'content-type': 'application/rss+xml',
          },
        ),
      );
      const feed = await (await subscribe()).json();
      await t.call('POST', `/feeds/${feed.id}/poll`, { token: t.alice });
      const before = (await (await t.call('GET', '/candidates', { token: oncall })).json()).candidates;
      expect(before).toEqual([expect.objectContaining({ sha256: R2_SHA256, corroborated: true })]);

      const retired = await t.call('POST', `/roots/${ROOTS.acmeRsa}/retire`, {
        token: t.alice,
        body: { reason: 'test: the old root goes' },
      });
      expect(retired.status).toBe(200);
      const after = (await (await t.call('GET', '/candidates', { token: oncall })).json()).candidates;
      expect(after).toEqual([
        expect.objectContaining({ sha256: R2_SHA256, corroborated: false, corroboration: null }),
      ]);
      expect(
        (await (await t.call('GET', '/candidates?corroborated=true', { token: oncall })).json()).candidates,
      ).toEqual([]);
    });
  });

  describe('when one item gives the cross-certificate and a later item the self-signed root of the same key', () => {
    it('keeps one candidate for the key: the self-signed certificate, its twin and both provenances', async () => {
      const r2 = cmsFixtureText('extra-roots/acme-root-r2.pem');
      const cross = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
      const crossSha256 = sha256Hex(derOfPem(cross));
      server.route('/cross.pem', serve(cross, { 'content-type': 'application/x-pem-file' }));
      server.route('/r2.pem', serve(r2, { 'content-type': 'application/x-pem-file' }));
      const first = {
        guid: '/cross/',
        title: 'R2 cross-signed',
        description: '<a href="/cross.pem">cross</a>',
      };
      const second = { guid: '/r2/', title: 'R2 itself', description: '<a href="/r2.pem">R2</a>' };
      server.route(
        '/feed.xml',
        serve(rss(server.origin, [first]), { 'content-type': 'application/rss+xml' }),
      );
      const feed = await (await subscribe()).json();
      const poll = () => t.call('POST', `/feeds/${feed.id}/poll`, { token: t.alice });
      await poll();
      const before = (await (await t.call('GET', '/candidates', { token: oncall })).json()).candidates;
      expect(before).toEqual([
        expect.objectContaining({ sha256: crossSha256, selfIssued: false, corroborated: true }),
      ]);

      server.route(
        '/feed.xml',
        serve(rss(server.origin, [first, second]), { 'content-type': 'application/rss+xml' }),
      );
      await poll();
      const after = (await (await t.call('GET', '/candidates', { token: oncall })).json()).candidates;
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({
        sha256: R2_SHA256,
        selfIssued: true,
        corroborated: true,
        sameKeyCertificates: [expect.objectContaining({ sha256: crossSha256 })],
      });
      expect(after[0].provenance.map((p: { itemTitle: string }) => p.itemTitle)).toEqual([
        'R2 cross-signed',
        'R2 itself',
      ]);
    });
  });

  describe('when the feed answers 410 Gone', () => {
    it('disables it and GET /feeds says why; polling it by hand enables it again (audited)', async () => {
      const feed = await (await subscribe()).json();
      server.route('/feed.xml', (_req, res) => res.writeHead(410).end());
      const polled = await (await t.call('POST', `/feeds/${feed.id}/poll`, { token: t.alice })).json();
      expect(polled.outcome).toBe('gone');

      const listed = (await (await t.call('GET', '/feeds', { token: oncall })).json()).feeds[0];
      expect(listed).toMatchObject({ status: 'disabled', nextPollAt: null, lastError: 'HTTP 410 Gone' });
      expect(listed.disabledReason).toMatch(/410 Gone/);

      server.route(
        '/feed.xml',
        serve(rss(server.origin, [item(R2_SHA256)]), { 'content-type': 'application/rss+xml' }),
      );
      const again = await (await t.call('POST', `/feeds/${feed.id}/poll`, { token: t.bob })).json();
      expect(again.feed).toMatchObject({ status: 'active', disabledReason: null, lastOutcome: 'ok' });
      expect((await auditActions(t)).map((e) => [e.action, e.actor])).toEqual([
        ['feed.subscribe', 'alice'],
        ['feed.disable', 'alice'],
        ['feed.enable', 'bob'],
      ]);
    });
  });
});
