/**
 * CSRF against the console, as another site (or a page with a stolen-looking form) would try it: every
 * state-changing console route is posted without the session's token, with another session's token, from
 * another origin, as JSON or text/plain, and with other methods. Each is refused with CSRF_REJECTED and the
 * store (anchors, vendor changes, cases, feeds, audit log) is exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const ORIGIN = 'http://localhost';
const refusalCode = (html: string) => /<strong><code>([A-Z_]+)<\/code><\/strong>/.exec(html)?.[1];

/** Everything a console post could change, as one comparable value. */
async function snapshot(t: App) {
  const get = async (path: string) => (await t.call('GET', path, { token: t.alice })).json();
  return JSON.stringify([
    await get('/audit?limit=1000'),
    await t.trust.listAnchors('acme'),
    await get('/vendors/acme'),
    await get('/vendors/acme/changes'),
    await get('/escalations?state=open'),
    await get('/escalations?state=resolved'),
    await get('/feeds'),
  ]);
}

describe('console attacks: CSRF', () => {
  let t: App;
  let alice: ConsoleClient;
  let bob: ConsoleClient;
  let routes: Array<{ path: string; fields: Record<string, string> }>;
  beforeAll(async () => {
    t = await createAdminTestApp();
    alice = await signInToConsole(t.app, t.alice);
    bob = await signInToConsole(t.app, t.bob);
    const proposed = await alice.post('/console/vendors/acme/propose', {
      action: 'submit',
      kind: 'root',
      pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
      reason: 'pending, for bob to approve',
    });
    expect(proposed.status).toBe(303);
    const patched = await t.call('PATCH', '/vendors/acme', {
      token: t.alice,
      body: { contacts: [{ name: 'PSIRT', channel: 'email', value: 'psirt@acme.example' }], reason: 'r' },
      headers: { 'if-match': '"v1"' },
    });
    expect(patched.status).toBeLessThan(300);
    const changes = await (await t.call('GET', '/vendors/acme/changes', { token: t.alice })).json();
    const changeId = changes.changes[0].id as string;
    const feed = await t.call('POST', '/vendors/acme/feeds', {
      token: t.alice,
      body: { url: 'https://feeds.acme.example/feed.xml', reason: 'vendor feed' },
    });
    const feedId = feed.status === 201 ? ((await feed.json()).id as string) : 'no-feed';
    const { body } = await t.verify('globex-chain-checked-against-acme-unknown-root', { vendor: 'acme' });
    const caseId = (body.escalation as { id: string }).id;
    const version = '1';
    const reason = 'a reason';
    routes = [
      { path: '/console/sign-out', fields: {} },
      {
        path: '/console/vendors/acme/propose',
        fields: {
          action: 'submit',
          kind: 'root',
          reason,
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
        },
      },
      { path: `/console/approvals/acme/roots/${ROOTS.globexP384}/approve`, fields: { reason, version } },
      {
        path: `/console/vendors/acme/roots/${ROOTS.acmeRsa}/distrust`,
        fields: { reason, version, keyCompromise: 'true' },
      },
      { path: `/console/vendors/acme/roots/${ROOTS.acmeRsa}/retire`, fields: { reason, version } },
      { path: `/console/approvals/acme/changes/${changeId}/approve`, fields: { reason, version: '1' } },
      { path: `/console/approvals/acme/changes/${changeId}/withdraw`, fields: { reason } },
      { path: `/console/feeds/${feedId}/poll`, fields: {} },
      { path: `/console/cases/${caseId}/steps/1`, fields: { done: 'true', note: 'n' } },
      { path: `/console/cases/${caseId}/resolve`, fields: { outcome: 'approved', note: 'n' } },
      { path: `/console/cases/${caseId}/propose`, fields: { reason, candidate: 'x' } },
      { path: `/console/candidates/acme/${'ab'.repeat(32)}/propose`, fields: { reason } },
    ];
  });
  afterAll(() => t.close());

  /** A post of `fields` with alice's session cookie, `headers` and `body` as given. */
  const send = async (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: BodyInit },
  ): Promise<Response> =>
    t.app.request(`${ORIGIN}${path}`, {
      method: init.method ?? 'POST',
      redirect: 'manual',
      headers: { cookie: alice.cookie, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const form = (fields: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

  const attacks: Array<[string, (r: { path: string; fields: Record<string, string> }) => Promise<Response>]> =
    [
      ['without a CSRF token', (r) => send(r.path, form(r.fields))],
      ['with an empty CSRF token', (r) => send(r.path, form({ ...r.fields, _csrf: '' }))],
      ['with another session’s CSRF token', (r) => send(r.path, form({ ...r.fields, _csrf: bob.csrf }))],
      [
        'from Origin null (a sandboxed frame)',
        (r) =>
          send(r.path, {
            ...form({ ...r.fields, _csrf: alice.csrf }),
            headers: { ...form({}).headers, origin: 'null' },
          }),
      ],
      [
        'from another origin',
        (r) =>
          send(r.path, {
            ...form({ ...r.fields, _csrf: alice.csrf }),
            headers: { ...form({}).headers, origin: 'https://evil.example' },
          }),
      ],
      [
        'from a look-alike origin',
        (r) =>
          send(r.path, {
            ...form({ ...r.fields, _csrf: alice.csrf }),
            headers: { ...form({}).headers, origin: 'http://localhost.evil.example' },
          }),
      ],
      [
        'with Sec-Fetch-Site cross-site',
        (r) =>
          send(r.path, {
            ...form({ ...r.fields, _csrf: alice.csrf }),
            headers: { ...form({}).headers, 'sec-fetch-site': 'cross-site' },
          }),
      ],
      [
        'with Sec-Fetch-Site same-site (a sibling subdomain)',
        (r) =>
          send(r.path, {
            ...form({ ...r.fields, _csrf: alice.csrf }),
            headers: { ...form({}).headers, 'sec-fetch-site': 'same-site' },
          }),
      ],
      [
        'as JSON carrying the token',
        (r) =>
          send(r.path, {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ...r.fields, _csrf: alice.csrf }),
          }),
      ],
      [
        'as text/plain shaped like a form',
        (r) =>
          send(r.path, {
            headers: { 'content-type': 'text/plain' },
            body: new URLSearchParams({ ...r.fields, _csrf: alice.csrf }).toString(),
          }),
      ],
      [
        'with the token in the query string',
        (r) => send(`${r.path}?_csrf=${encodeURIComponent(alice.csrf)}`, form(r.fields)),
      ],
    ];

  describe.each(attacks)('when a console post comes %s', (_name, attack) => {
    it('refuses every state-changing route with CSRF_REJECTED and changes nothing', async () => {
      const before = await snapshot(t);
      for (const route of routes) {
        const res = await attack(route);
        expect({ path: route.path, status: res.status }).toEqual({ path: route.path, status: 403 });
        expect(refusalCode(await res.text())).toBe('CSRF_REJECTED');
      }
      expect(await snapshot(t)).toBe(before);
    });
  });

  describe('when other methods are tried on the console routes', () => {
    it('PUT, PATCH and DELETE without a token are refused, and GET on a post route changes nothing', async () => {
      const before = await snapshot(t);
      for (const route of routes) {
        for (const method of ['PUT', 'PATCH', 'DELETE']) {
          const res = await send(route.path, { method, ...form(route.fields) });
          expect(res.status).toBe(403);
        }
        const query = new URLSearchParams({ ...route.fields, _csrf: alice.csrf });
        // Only the propose form has a GET page; no GET or HEAD acts (no 303 to a result).
        expect([200, 404]).toContain((await send(`${route.path}?${query}`, { method: 'GET' })).status);
        expect([200, 404]).toContain((await send(`${route.path}?${query}`, { method: 'HEAD' })).status);
        const overridden = await send(`${route.path}?_method=POST`, {
          ...form({ ...route.fields, _method: 'POST' }),
          method: 'GET',
          body: undefined,
        });
        expect([200, 404]).toContain(overridden.status);
      }
      expect(await snapshot(t)).toBe(before);
    });
  });

  describe('when the session cookie is missing', () => {
    it('a post with a valid-looking CSRF token is refused with UNAUTHORIZED', async () => {
      const before = await snapshot(t);
      for (const route of routes) {
        const res = await t.app.request(`${ORIGIN}${route.path}`, {
          method: 'POST',
          redirect: 'manual',
          ...form({ ...route.fields, _csrf: alice.csrf }),
        });
        expect(res.status).toBe(401);
      }
      expect(await snapshot(t)).toBe(before);
    });
  });
});
