import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_TESTS_RUN,
  BROWSER_TIMEOUT_MS,
  type ConsoleHarness,
  serveOnFreePort,
  startConsoleHarness,
  type WatchedPage,
} from './harness';

/**
 * Forms sent to the console from pages it did not serve: another origin on the same host (same site, so
 * the SameSite=Strict cookie goes along and only the CSRF check stands in the way), another site
 * (`localhost` against `127.0.0.1`: the cookie stays home), and a forged token on the console's own page.
 */

let h: ConsoleHarness;
let attacker: Awaited<ReturnType<typeof serveOnFreePort>>;
let mallory: { id: string; secret: string };

/** A page that posts `fields` to `action` as soon as it loads, as a hostile site would. */
const autoSubmitting = (action: string, fields: Record<string, string>) =>
  `<!doctype html><html lang="en"><title>You won a prize</title><body>
<form method="post" action="${action}">${Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('')}</form>
<script>document.forms[0].submit();</script></body></html>`;

beforeAll(async () => {
  h = await startConsoleHarness();
  mallory = await h.issueToken('mallory', 'admin');
  attacker = await serveOnFreePort((request) => {
    const { pathname } = new URL(request.url);
    const target = pathname === '/prize-sign-in' ? 'sign-in' : 'sign-out';
    const fields: Record<string, string> =
      target === 'sign-in'
        ? { _csrf: 'attacker-chosen-value-0123456789', token: mallory.secret, next: '/console' }
        : { _csrf: 'attacker-guess' };
    return new Response(autoSubmitting(`${h.baseUrl}/console/${target}`, fields), {
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  });
}, BROWSER_TIMEOUT_MS);
afterAll(async () => {
  await attacker?.close();
  await h?.close();
}, BROWSER_TIMEOUT_MS);

/** Opens the attacker's page and waits for the console's answer to the form it posts. */
async function visitAttacker(w: WatchedPage, url: string) {
  const answer = w.page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().startsWith(h.baseUrl),
  );
  await w.page.goto(url);
  const response = await answer;
  await w.page.waitForLoadState();
  return response;
}

/** Whether `w` is still signed in as `name`: the overview opens and names the user. */
async function signedInAs(w: WatchedPage, name: string) {
  await w.page.goto('/console');
  return (
    new URL(w.page.url()).pathname === '/console' &&
    (await w.page.locator('header .who').textContent())?.includes(name)
  );
}

describe.skipIf(!BROWSER_TESTS_RUN)(
  'CSRF in the console, in Chromium',
  { timeout: BROWSER_TIMEOUT_MS },
  () => {
    describe('when a page of another origin on the same host posts to sign-out', () => {
      it('is refused with CSRF_REJECTED, visibly, and the session stays', async () => {
        const w = await h.newPage();
        await h.signIn(w);
        const response = await visitAttacker(w, `${attacker.url}/prize`);
        expect(response.request().headers()['sec-fetch-site'] ?? 'same-site').toBe('same-site');
        expect(response.status()).toBe(403);
        expect(await w.page.getByRole('alert').textContent()).toContain('CSRF_REJECTED');
        expect(await signedInAs(w, 'bootstrap-admin')).toBe(true);
      });
    });

    describe('when a page of another site posts to sign-out', () => {
      it('arrives without the SameSite=Strict cookie, is refused, and the session stays', async () => {
        const w = await h.newPage();
        await h.signIn(w);
        const response = await visitAttacker(w, `http://localhost:${attacker.port}/prize`);
        expect(response.status()).toBe(401);
        expect(await w.page.getByRole('alert').textContent()).toContain('UNAUTHORIZED');
        expect(await signedInAs(w, 'bootstrap-admin')).toBe(true);
      });
    });

    describe('when another origin posts its own token to sign-in (login CSRF)', () => {
      it('is refused: the browser is not signed in as the attacker', async () => {
        const w = await h.newPage();
        const response = await visitAttacker(w, `${attacker.url}/prize-sign-in`);
        expect(response.status()).toBe(403);
        expect(await w.page.getByRole('alert').textContent()).toContain('CSRF_REJECTED');
        expect((await w.context.cookies()).map((c) => c.name)).not.toContain('trustgate_session');
        await w.page.goto('/console');
        expect(new URL(w.page.url()).pathname).toBe('/console/sign-in');
      });
    });

    describe('when the console page itself carries a forged _csrf value', () => {
      it('is refused with CSRF_REJECTED on the error page, and the session stays', async () => {
        const w = await h.newPage();
        await h.signIn(w);
        w.clearProblems();
        await w.page.locator('form[action="/console/sign-out"] input[name="_csrf"]').evaluate((input) => {
          (input as HTMLInputElement).value = 'forged-value-forged-value-forged-value-forg';
        });
        const answer = w.page.waitForResponse((r) => r.url().endsWith('/console/sign-out'));
        await w.page.getByRole('button', { name: 'Sign out' }).click();
        expect((await answer).status()).toBe(403);
        await expect.poll(() => w.page.locator('h1').textContent()).toBe('Refused');
        expect(await w.page.getByRole('alert').textContent()).toContain('CSRF_REJECTED');
        // Only the 403 document itself: no CSP violation, no script error on the error page.
        expect(w.allProblems().filter((p) => !/status of 403/.test(p))).toEqual([]);
        expect(await signedInAs(w, 'bootstrap-admin')).toBe(true);
      });
    });

    describe('when something in a page breaks the Content-Security-Policy', () => {
      it('the harness records the violation (so that a clean page means something)', async () => {
        const w = await h.newPage();
        await h.signIn(w);
        expect(w.allProblems()).toEqual([]);
        await w.page.evaluate(() => {
          const img = document.createElement('img');
          img.alt = '';
          img.src = 'https://tracker.invalid/pixel.png';
          document.body.append(img);
        });
        await expect.poll(() => w.problems.consoleErrors.join('\n')).toMatch(/Content Security Policy/);
      });
    });
  },
);
