/**
 * Authorization through the console: an on-call session posting every admin write with a valid CSRF
 * token, sign-in with tokens of odd shapes, a tampered or revoked session. The API's roles hold: on-call
 * is refused with FORBIDDEN and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, csrfOf, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const ORIGIN = 'http://localhost';
const refusalCode = (html: string) => /<strong><code>([A-Z_]+)<\/code><\/strong>/.exec(html)?.[1];

async function snapshot(t: App) {
  const get = async (path: string) => (await t.call('GET', path, { token: t.alice })).json();
  return JSON.stringify([
    await get('/audit?limit=1000'),
    await t.trust.listAnchors('acme'),
    await get('/vendors/acme'),
    await get('/vendors/acme/changes'),
    await get('/feeds'),
  ]);
}

/** The sign-in form's cookie and field, then a post of `token` (as a form or multipart). */
async function signInWith(t: App, token: string | Blob) {
  const page = await t.app.request(`${ORIGIN}/console/sign-in`);
  const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const csrf = csrfOf(await page.text()) ?? '';
  const body = new FormData();
  body.set('_csrf', csrf);
  body.set('token', token);
  return t.app.request(`${ORIGIN}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie },
    body,
  });
}

describe('console attacks: authorization', () => {
  let t: App;
  let oncall: ConsoleClient;
  let oncallToken: { id: string; secret: string };
  let writes: Array<{ path: string; fields: Record<string, string> }>;
  beforeAll(async () => {
    t = await createAdminTestApp();
    const alice = await signInToConsole(t.app, t.alice);
    expect(
      (
        await alice.post('/console/vendors/acme/propose', {
          action: 'submit',
          kind: 'root',
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
          reason: 'pending',
        })
      ).status,
    ).toBe(303);
    await t.call('PATCH', '/vendors/acme', {
      token: t.alice,
      body: { contacts: [{ name: 'PSIRT', channel: 'email', value: 'psirt@acme.example' }], reason: 'r' },
      headers: { 'if-match': '"v1"' },
    });
    const changes = await (await t.call('GET', '/vendors/acme/changes', { token: t.alice })).json();
    const changeId = changes.changes[0].id as string;
    const feed = await t.call('POST', '/vendors/acme/feeds', {
      token: t.alice,
      body: { url: 'https://feeds.acme.example/feed.xml', reason: 'vendor feed' },
    });
    const feedId = ((await feed.json()) as { id: string }).id;
    const { body } = await t.verify('globex-chain-checked-against-acme-unknown-root', { vendor: 'acme' });
    const caseId = (body.escalation as { id: string }).id;
    const reason = 'on-call tries an admin write';
    writes = [
      {
        path: '/console/vendors/acme/propose',
        fields: {
          action: 'submit',
          kind: 'root',
          reason,
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
        },
      },
      {
        path: '/console/vendors/acme/propose',
        fields: {
          action: 'preview',
          kind: 'root',
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
        },
      },
      { path: `/console/approvals/acme/roots/${ROOTS.globexP384}/approve`, fields: { reason, version: '1' } },
      {
        path: `/console/vendors/acme/roots/${ROOTS.acmeRsa}/distrust`,
        fields: { reason, version: '1', keyCompromise: 'true' },
      },
      { path: `/console/vendors/acme/roots/${ROOTS.acmeRsa}/retire`, fields: { reason, version: '1' } },
      { path: `/console/approvals/acme/changes/${changeId}/approve`, fields: { reason, version: '1' } },
      { path: `/console/approvals/acme/changes/${changeId}/withdraw`, fields: { reason } },
      { path: `/console/feeds/${feedId}/poll`, fields: {} },
      { path: `/console/cases/${caseId}/propose`, fields: { reason, candidate: 'x' } },
      { path: `/console/candidates/acme/${'ab'.repeat(32)}/propose`, fields: { reason } },
    ];
    oncallToken = await t.createToken('olivia', 'oncall');
    oncall = await signInToConsole(t.app, oncallToken.secret);
  });
  afterAll(() => t.close());

  describe('when an on-call session posts every admin write with a valid CSRF token', () => {
    it('refuses each with FORBIDDEN and changes nothing', async () => {
      const before = await snapshot(t);
      for (const route of writes) {
        const res = await oncall.post(route.path, route.fields);
        expect({ path: route.path, status: res.status }).toEqual({ path: route.path, status: 403 });
        expect(refusalCode(await res.text())).toBe('FORBIDDEN');
      }
      expect((await oncall.get('/console/vendors/acme/propose')).status).toBe(403);
      expect(await snapshot(t)).toBe(before);
    });
  });

  describe('when tokens of odd shapes are pasted into the sign-in form', () => {
    it.each([
      ['empty', ''],
      ['too short', 'short'],
      ['too long', 'x'.repeat(513)],
      ['with a space inside', `${'x'.repeat(24)} x`],
      ['with a NUL', `${'a'.repeat(20)}\u0000`],
      ['with a line break and a header', `${'a'.repeat(20)}\r\nSet-Cookie: x=y`],
      ['non-ASCII', 'ä'.repeat(20)],
    ])('%s: refused, no session cookie', async (_name, token) => {
      const res = await signInWith(t, token);
      expect([400, 401]).toContain(res.status);
      expect(
        res.headers
          .getSetCookie()
          .some((c) => c.startsWith('trustgate_session=') && !c.includes('Max-Age=0')),
      ).toBe(false);
    });

    it('an admin token sent as an uploaded file is refused', async () => {
      const res = await signInWith(t, new Blob([t.alice]));
      expect(res.status).toBe(401);
      expect(
        res.headers
          .getSetCookie()
          .some((c) => c.startsWith('trustgate_session=') && !c.includes('Max-Age=0')),
      ).toBe(false);
    });

    it('a verifier token is refused with 403', async () => {
      const verifier = await t.createToken('vera', 'verifier');
      expect((await signInWith(t, verifier.secret)).status).toBe(403);
    });
  });

  describe('when the session cookie is tampered with', () => {
    it.each([
      ['flipped', (v: string) => `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}`],
      ['its SHA-256 (what the store keeps)', () => 'a'.repeat(64)],
      ['empty', () => ''],
      ['SQL', () => "' OR 1=1 --"],
      ['repeated', (v: string) => `${v}${v}`],
    ])('%s: the console answers as to no session', async (_name, change) => {
      const value = oncall.cookie.split('=')[1] ?? '';
      const res = await t.app.request(`${ORIGIN}/console`, {
        redirect: 'manual',
        headers: { cookie: `trustgate_session=${change(value)}` },
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/console\/sign-in\?/);
    });
  });

  describe('when a page is rendered', () => {
    it('never shows the session cookie value or its hash, nor puts it into a URL', async () => {
      const value = oncall.cookie.split('=')[1] ?? '';
      const hash = Buffer.from(
        await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)),
      ).toString('hex');
      for (const path of [
        '/console',
        '/console/vendors/acme',
        '/console/approvals',
        '/console/audit',
        '/console/feeds',
      ]) {
        const res = await oncall.get(path);
        const html = await res.text();
        expect(html).not.toContain(value);
        expect(html).not.toContain(hash);
        expect(res.headers.get('location') ?? '').not.toContain(value);
      }
    });
  });

  describe('when the token of a live session is revoked', () => {
    it('the next post is refused and the next page goes to sign-in', async () => {
      const client = await signInToConsole(t.app, oncallToken.secret);
      expect(
        (await t.call('DELETE', `/admin/tokens/${oncallToken.id}`, { token: t.alice })).status,
      ).toBeLessThan(300);
      const post = await client.post('/console/sign-out');
      expect(post.status).toBe(401);
      const page = await client.get('/console');
      expect(page.status).toBe(303);
    });
  });
});
