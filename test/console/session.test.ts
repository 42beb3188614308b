import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/console/security-headers';
import { signInToConsole } from '../helpers/console-client';
import { createAdminTestApp } from '../trust/helpers/admin-client';

const START = new Date('2026-06-01T00:00:00Z');
const HOUR = 60 * 60 * 1000;

let close: (() => void) | undefined;
afterEach(() => close?.());

/** The admin test app with a clock the test moves. */
async function consoleApp() {
  let now = START;
  const t = await createAdminTestApp({ clock: () => now });
  close = t.close;
  return { ...t, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

async function signInForm(app: { request: (p: string, i?: RequestInit) => Response | Promise<Response> }) {
  const form = await app.request('http://localhost/console/sign-in');
  const cookie = form.headers.getSetCookie().find((h) => h.startsWith('trustgate_sign_in='));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  return { cookie: cookie?.split(';')[0] ?? '', csrf: csrf ?? '' };
}

const postSignIn = async (
  app: { request: (p: string, i?: RequestInit) => Response | Promise<Response> },
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  app.request('http://localhost/console/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });

describe('console session', () => {
  describe('when a token is exchanged for a session', () => {
    it('sets an HttpOnly, SameSite=Strict cookie for /console only, with its lifetime', async () => {
      const t = await consoleApp();
      const { cookie, csrf } = await signInForm(t.app);
      const res = await postSignIn(
        t.app,
        { _csrf: csrf, token: t.alice, next: '/console/cases' },
        { cookie },
      );
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console/cases');
      const session = res.headers.getSetCookie().find((h) => h.startsWith('trustgate_session='));
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Strict/);
      expect(session).toMatch(/Path=\/console/);
      expect(session).toMatch(/Max-Age=28800/);
      expect(session).not.toMatch(/Secure/);
    });

    it('marks the cookie Secure over https', async () => {
      const t = await consoleApp();
      const form = await t.app.request('https://trustgate.test/console/sign-in');
      const cookie = form.headers.getSetCookie().find((h) => h.startsWith('trustgate_sign_in='));
      expect(cookie).toMatch(/Secure/);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
      const res = await t.app.request('https://trustgate.test/console/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie?.split(';')[0] ?? '' },
        body: new URLSearchParams({ _csrf: csrf, token: t.alice }),
      });
      expect(res.headers.getSetCookie().find((h) => h.startsWith('trustgate_session='))).toMatch(/Secure/);
    });

    it('never stores the cookie value or the token, only their hashes', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      const rows = await t.db.run('select * from console_sessions');
      const stored = JSON.stringify(rows.rows);
      expect(stored).not.toContain(client.cookie.split('=')[1]);
      expect(stored).not.toContain(t.alice);
    });
  });

  describe('when the token is not one the console takes', () => {
    it('refuses an unknown token with 401 and opens no session', async () => {
      const t = await consoleApp();
      const { cookie, csrf } = await signInForm(t.app);
      const res = await postSignIn(
        t.app,
        { _csrf: csrf, token: 'tg_not-a-real-token-at-all-0000' },
        { cookie },
      );
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('not known here');
      expect(res.headers.getSetCookie().some((h) => h.startsWith('trustgate_session='))).toBe(false);
    });

    it('refuses a verifier token with 403: it only verifies', async () => {
      const t = await consoleApp();
      const verifier = await t.createToken('pipeline', 'verifier');
      const { cookie, csrf } = await signInForm(t.app);
      const res = await postSignIn(t.app, { _csrf: csrf, token: verifier.secret }, { cookie });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('A verifier token cannot use the console');
    });

    it('lets an oncall token in', async () => {
      const t = await consoleApp();
      const oncall = await t.createToken('pager', 'oncall');
      const client = await signInToConsole(t.app, oncall.secret);
      expect(await (await client.get('/console')).text()).toContain('pager');
    });
  });

  describe('when the session ends', () => {
    it('sends a page request after 8 hours back to sign-in, saying the session expired', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      t.advance(8 * HOUR - 1000);
      expect((await client.get('/console')).status).toBe(200);
      t.advance(2000);
      const res = await client.get('/console/audit?actor=alice');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(
        `/console/sign-in?${new URLSearchParams({ next: '/console/audit?actor=alice', why: 'expired' })}`,
      );
    });

    it('refuses a form posted after expiry with 401, changing nothing', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      t.advance(9 * HOUR);
      const res = await client.post('/console/sign-out');
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('UNAUTHORIZED');
    });

    it('ends with the token: revoking it signs the browser out at its next request', async () => {
      const t = await consoleApp();
      const carol = await t.createToken('carol', 'admin');
      const client = await signInToConsole(t.app, carol.secret);
      const revoked = await t.call('DELETE', `/admin/tokens/${carol.id}`, { token: t.alice });
      expect(revoked.status).toBeLessThan(300);
      const res = await client.get('/console');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain('why=token-revoked');
    });

    it('signs out: the old cookie opens nothing afterwards', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      const out = await client.post('/console/sign-out');
      expect(out.status).toBe(303);
      expect((await client.get('/console')).status).toBe(303);
    });
  });

  describe('when a form comes without the session CSRF token', () => {
    it('refuses a missing or wrong token with 403 CSRF_REJECTED and keeps the session', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      for (const value of ['', 'x'.repeat(43), `${client.csrf.slice(0, -1)}A`]) {
        const res = await client.post('/console/sign-out', { _csrf: value });
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('CSRF_REJECTED');
      }
      expect((await client.get('/console')).status).toBe(200);
    });

    it('refuses a post whose Origin is another site even with the right token', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      const res = await t.app.request('http://localhost/console/sign-out', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: client.cookie,
          origin: 'https://attacker.example',
        },
        body: new URLSearchParams({ _csrf: client.csrf }),
      });
      expect(res.status).toBe(403);
      expect((await client.get('/console')).status).toBe(200);
    });

    it('refuses a sign-in without the double-submit cookie (login CSRF)', async () => {
      const t = await consoleApp();
      const { csrf } = await signInForm(t.app);
      const res = await postSignIn(t.app, { _csrf: csrf, token: t.alice });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie().some((h) => h.startsWith('trustgate_session='))).toBe(false);
    });
  });

  describe('when sign-in is given somewhere to go next', () => {
    it('goes only to a console path of this site', async () => {
      const t = await consoleApp();
      for (const [next, expected] of [
        ['https://evil.example/', '/console'],
        ['//evil.example/console', '/console'],
        ['/console/../admin', '/console'],
        ['/console\\@evil.example', '/console'],
        ['/consolex', '/console'],
        ['/console/cases/esc_1?x=1', '/console/cases/esc_1?x=1'],
      ] as const) {
        const { cookie, csrf } = await signInForm(t.app);
        const res = await postSignIn(t.app, { _csrf: csrf, token: t.alice, next }, { cookie });
        expect(res.headers.get('location'), next).toBe(expected);
      }
    });
  });

  describe('when any console page is answered', () => {
    it('carries the strict CSP, forbids framing and caching', async () => {
      const t = await consoleApp();
      const client = await signInToConsole(t.app, t.alice);
      for (const res of [
        await t.app.request('http://localhost/console/sign-in'),
        await client.get('/console'),
      ]) {
        expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
        expect(CONSOLE_CSP).toContain("default-src 'none'");
        expect(CONSOLE_CSP).not.toContain('unsafe');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    });
  });
});
