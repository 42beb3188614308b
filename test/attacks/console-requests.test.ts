/**
 * Requests an outsider crafts: open redirects through `next`, made-up notice words, path parameters with
 * encoded slashes, `..` or huge values, and a huge multipart upload. None leaves the site, shows a notice
 * the console did not mean, leaks internals or reads more than the app's 1 MiB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, csrfOf, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;
const ORIGIN = 'http://localhost';

describe('console attacks: crafted requests', () => {
  let t: App;
  let alice: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    alice = await signInToConsole(t.app, t.alice);
  });
  afterAll(() => t.close());

  describe('when sign-in is given a next= that leaves the console', () => {
    it.each([
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/console',
      '/console//evil.example',
      '/console/../admin',
      '/console/..',
      '/console@evil.example',
      '/consolex',
      '/console\r\nLocation: https://evil.example',
      'javascript:alert(1)',
      `/console/${'a'.repeat(600)}`,
    ])('%s: goes to the overview', async (next) => {
      const page = await t.app.request(`${ORIGIN}/console/sign-in?next=${encodeURIComponent(next)}`);
      const html = await page.text();
      expect(html).toContain('name="next" value="/console"');
      const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
      const res = await t.app.request(`${ORIGIN}/console/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfOf(html) ?? '', token: t.alice, next }),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console');
    });
  });

  describe('when a link carries a notice word that is an Object property', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
      '%s: no notice is shown',
      async (word) => {
        const vendor = await (await alice.get(`/console/vendors/acme?done=${word}`)).text();
        expect(vendor).not.toContain('class="notice');
        const signIn = await (await t.app.request(`${ORIGIN}/console/sign-in?why=${word}`)).text();
        expect(signIn).not.toContain('class="notice');
      },
    );
  });

  describe('when path parameters are crafted', () => {
    it.each([
      '/console/vendors/acme%2F..%2F..%2Fadmin',
      '/console/vendors/%2e%2e',
      `/console/vendors/${'a'.repeat(5000)}`,
      `/console/vendors/acme/roots/${'0'.repeat(64)}%2F..`,
      `/console/cases/${'x'.repeat(5000)}`,
      `/console/candidates/acme/${'%00'.repeat(100)}`,
      `/console/approvals/acme/changes/'%20OR%201=1--`,
    ])('%s: refused as not found or invalid, with no internals on the page', async (path) => {
      const res = await alice.get(path);
      expect([400, 404]).toContain(res.status);
      const html = await res.text();
      expect(html).not.toMatch(/SQLITE|select |at [\w.]+ \(|node_modules|stack/i);
    });
  });

  describe('when a multipart upload is over 1 MiB', () => {
    it('is refused before the console reads it', async () => {
      await alice.get('/console/vendors/acme/propose');
      const body = new FormData();
      body.set('_csrf', alice.csrf);
      body.set('action', 'preview');
      body.set('kind', 'root');
      body.set('file', new Blob([new Uint8Array(2 * 1024 * 1024)]), 'huge.der');
      const res = await t.app.request(`${ORIGIN}/console/vendors/acme/propose`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: alice.cookie },
        body,
      });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('PAYLOAD_TOO_LARGE');
    });

    it('a reason field of 2 MiB in a form is refused the same way', async () => {
      const res = await alice.post('/console/vendors/acme/roots/x/retire', {
        reason: 'r'.repeat(2 * 1024 * 1024),
      });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('PAYLOAD_TOO_LARGE');
    });
  });

  describe('when the body claims to be a form but is not one', () => {
    it('answers a broken multipart or urlencoded-less body with 400 BAD_REQUEST, not a 500', async () => {
      for (const [type, body] of [
        ['multipart/form-data; boundary=zzz', 'garbage--zzz\r\nnope'],
        ['multipart/form-data', 'no boundary at all'],
      ] as const) {
        const res = await t.app.request(`${ORIGIN}/console/vendors/acme/propose`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: alice.cookie, 'content-type': type },
          body,
        });
        expect(res.status, type).toBe(400);
        const page = await res.text();
        expect(page).toContain('BAD_REQUEST');
        expect(page).not.toMatch(/at \w+ \(|node_modules/);
      }
      expect((await alice.get('/console')).status).toBe(200);
    });
  });
});
