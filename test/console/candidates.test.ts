import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { cmsFixtureText, colonHex, derOfPem, rss, sha256Hex } from '../e2e/rotation-helpers';
import { signInToConsole } from '../helpers/console-client';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const CROSS_PEM = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));
const HINT = 'ab'.repeat(32);

describe('console candidates', () => {
  let server: FeedServer;
  let t: App | undefined;
  beforeAll(async () => {
    server = await startFeedServer();
    server.route('/r2.pem', serve(`${R2_PEM}${CROSS_PEM}`, { 'content-type': 'application/x-pem-file' }));
    server.route(
      '/feed.xml',
      serve(
        rss(server.origin, [
          { guid: '/r2/', title: 'Our new root R2', description: '<a href="/r2.pem">R2 certificates</a>' },
          {
            guid: '/hint/',
            title: 'A hint',
            description: `<p>SHA-256 fingerprint: <code>${colonHex(HINT)}</code></p>`,
          },
        ]),
        { 'content-type': 'application/rss+xml' },
      ),
    );
  });
  afterAll(() => server.close());
  afterEach(() => t?.close());

  /** A real poll of a feed served on 127.0.0.1: one certificate candidate (R2, cross-signed) and one hint. */
  async function polled() {
    const app = await createAdminTestApp({ allowPrivateFeeds: true });
    const feed = await (
      await app.call('POST', '/vendors/acme/feeds', {
        token: app.alice,
        body: { url: `${server.origin}/feed.xml`, reason: 'vendor feed' },
      })
    ).json();
    const poll = await app.call('POST', `/feeds/${feed.id}/poll`, { token: app.alice });
    expect(poll.status).toBe(200);
    return app;
  }

  describe('when a poll found a certificate and a fingerprint hint', () => {
    it('lists both with their provenance (item, feed URL, link, when), corroboration and no root on file', async () => {
      t = await polled();
      const oncall = (await t.createToken('olivia', 'oncall')).secret;
      const client = await signInToConsole(t.app, oncall);
      const res = await client.get('/console/candidates?vendor=acme');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<h1>Candidates</h1>');
      expect(html).toContain('Our new root R2');
      expect(html).toContain('A hint');
      expect(html).toContain(`<code>${server.origin}/feed.xml</code>`);
      expect(html).toContain(`href="${server.origin}/r2/"`);
      expect(html).toContain('<time datetime="2026-06-01T00:00:00.000Z">');
      expect(html).toContain('cross-signed by the active root');
      expect(html).toContain(`href="/console/candidates/acme/${R2_SHA256}"`);
      expect(html).toContain(`href="/console/candidates/acme/sha256%3A${HINT}"`);
      expect(html).not.toContain('root on file');

      const other = await (await client.get('/console/candidates?vendor=globex')).text();
      expect(other).toContain('No candidate for globex.');
      expect((await client.get('/console/candidates?vendor=Not%20A%20Vendor')).status).toBe(400);
    });
  });

  /** The refusal code a console error page shows. */
  const refusalCode = (html: string) => /<strong><code>([A-Z_]+)<\/code><\/strong>/.exec(html)?.[1];
  const acmeAnchors = async (app: App) => (await app.trust.listAnchors('acme')).map((a) => a.sha256).sort();

  describe('when an admin opens the certificate candidate', () => {
    it('shows its facts, fingerprints, PEM, provenance and the propose form', async () => {
      t = await polled();
      const client = await signInToConsole(t.app, t.alice);
      const res = await client.get(`/console/candidates/acme/${R2_SHA256}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<code class="fingerprint">${colonHex(R2_SHA256)}</code>`);
      expect(html).toContain('<summary>PEM</summary>');
      expect(html).toContain('-----BEGIN CERTIFICATE-----');
      expect(html).toContain('Where it was seen');
      expect(html).toContain('Our new root R2');
      expect(html).toContain('Other certificates of the same key');
      expect(html).toContain(`action="/console/candidates/acme/${R2_SHA256}/propose"`);
      expect(html).toContain('<label for="propose-reason">');
      expect(html).toContain('Propose as a root</button>');
    });
  });

  describe('when an admin proposes the certificate candidate', () => {
    it('puts it on file as a pending root through the use case, with the candidate as provenance, and shows the root', async () => {
      t = await polled();
      const client = await signInToConsole(t.app, t.alice);
      await client.get(`/console/candidates/acme/${R2_SHA256}`);
      const blank = await client.post(`/console/candidates/acme/${R2_SHA256}/propose`, { reason: '  ' });
      expect(blank.status).toBe(400);
      expect(await blank.text()).toContain('reason: required');
      expect(await acmeAnchors(t)).not.toContain(R2_SHA256);

      const res = await client.post(`/console/candidates/acme/${R2_SHA256}/propose`, {
        reason: 'R2 announced in the Acme PKI feed',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/console/vendors/acme/roots/${R2_SHA256}?done=proposed`);
      const root = (await t.trust.listAnchors('acme')).find((a) => a.sha256 === R2_SHA256);
      expect(root).toMatchObject({ state: 'pending', proposedBy: 'alice' });
      const { entries } = (await (
        await t.call('GET', '/audit?vendor=acme&limit=1000', { token: t.alice })
      ).json()) as { entries: Array<{ action: string; targetId: string; after: unknown; reason: string }> };
      expect(entries.find((e) => e.action === 'root.propose' && e.targetId === R2_SHA256)).toMatchObject({
        reason: 'R2 announced in the Acme PKI feed',
        after: {
          state: 'pending',
          proposedFrom: { candidate: R2_SHA256, vendor: 'acme', feedUrl: `${server.origin}/feed.xml` },
        },
      });
      const page = await client.get(res.headers.get('location') ?? '');
      expect(page.status).toBe(200);
      const rootPage = await page.text();
      expect(rootPage).toContain(colonHex(R2_SHA256));
      expect(rootPage).toContain('badge state-pending');

      // the candidate now links the root instead of offering to propose it again
      const detail = await (await client.get(`/console/candidates/acme/${R2_SHA256}`)).text();
      expect(detail).toContain('already on file as a root of acme');
      expect(detail).not.toContain('Propose as a root</button>');
    });
  });

  describe('when the candidate is proposed again (from a stale page)', () => {
    it('is refused by the use case with ROOT_DUPLICATE, visibly, and nothing changes', async () => {
      t = await polled();
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.bob,
        body: { pem: R2_PEM, reason: 'from the advisory' },
      });
      expect(proposed.status).toBe(202);
      const before = await acmeAnchors(t);
      const client = await signInToConsole(t.app, t.alice);
      const res = await client.post(`/console/candidates/acme/${R2_SHA256}/propose`, {
        reason: 'R2 is real',
      });
      expect(res.status).toBe(409);
      const text = await res.text();
      expect(refusalCode(text)).toBe('ROOT_DUPLICATE');
      expect(text).toContain('already has this certificate as a root (pending)');
      expect(await acmeAnchors(t)).toEqual(before);
    });
  });

  describe('when the candidate is only a fingerprint hint', () => {
    it('says it cannot be proposed, and a propose post is refused with CANDIDATE_WITHOUT_CERTIFICATE', async () => {
      t = await polled();
      const client = await signInToConsole(t.app, t.alice);
      const html = await (await client.get(`/console/candidates/acme/sha256%3A${HINT}`)).text();
      expect(html).toContain(`<code class="fingerprint">${colonHex(HINT)}</code>`);
      expect(html).toContain('A fingerprint hint cannot be proposed');
      expect(html).not.toContain('Propose as a root</button>');
      const before = await acmeAnchors(t);
      const res = await client.post(`/console/candidates/acme/sha256%3A${HINT}/propose`, { reason: 'try' });
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(refusalCode(text)).toBe('CANDIDATE_WITHOUT_CERTIFICATE');
      expect(text).toContain('not a certificate');
      expect(await acmeAnchors(t)).toEqual(before);
    });
  });

  describe('when on-call posts a proposal', () => {
    it('is refused with FORBIDDEN and no root is put on file', async () => {
      t = await polled();
      const client = await signInToConsole(t.app, (await t.createToken('olivia', 'oncall')).secret);
      const detail = await (await client.get(`/console/candidates/acme/${R2_SHA256}`)).text();
      expect(detail).toContain('Only an admin can propose');
      const res = await client.post(`/console/candidates/acme/${R2_SHA256}/propose`, { reason: 'ship it' });
      expect(res.status).toBe(403);
      expect(refusalCode(await res.text())).toBe('FORBIDDEN');
      const roots = await (await t.call('GET', '/vendors/acme/roots', { token: t.alice })).json();
      expect(JSON.stringify(roots)).not.toContain(R2_SHA256);
    });
  });

  describe('when a root of the same certificate is already on file', () => {
    it('shows its state and links to it instead of offering to propose', async () => {
      t = await polled();
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: R2_PEM, reason: 'from the advisory' },
      });
      expect(proposed.status).toBe(202);
      const client = await signInToConsole(t.app, t.bob);
      const list = await (await client.get('/console/candidates')).text();
      expect(list).toContain('badge state-pending');
      expect(list).toContain(`href="/console/vendors/acme/roots/${R2_SHA256}"`);
      const detail = await (await client.get(`/console/candidates/acme/${R2_SHA256}`)).text();
      expect(detail).toContain('already on file as a root of acme');
    });
  });

  describe('when the candidate does not exist', () => {
    it('answers NOT_FOUND on a page', async () => {
      t = await createAdminTestApp();
      const client = await signInToConsole(t.app, t.alice);
      const res = await client.get(`/console/candidates/acme/${'cd'.repeat(32)}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('NOT_FOUND');
    });
  });
});
