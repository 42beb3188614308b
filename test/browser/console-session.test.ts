import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../helpers/test-app';
import { a11yProblems } from './a11y';
import {
  BROWSER_TESTS_RUN,
  BROWSER_TIMEOUT_MS,
  type ConsoleHarness,
  startConsoleHarness,
  type WatchedPage,
} from './harness';
import { issueTokenSecret, openDemoJarCase, proposeDemoJarRoot } from './story';

const EIGHT_HOURS_MS = 8 * 60 * 60 * 1000;

let h: ConsoleHarness;
beforeAll(async () => {
  h = await startConsoleHarness();
}, BROWSER_TIMEOUT_MS);
afterAll(() => h?.close(), BROWSER_TIMEOUT_MS);

/** The page's CSP header, as the browser received it for the document. */
async function documentCsp(watched: WatchedPage, path: string): Promise<string | undefined> {
  const response = await watched.page.goto(path);
  return response?.headers()['content-security-policy'];
}

describe.skipIf(!BROWSER_TESTS_RUN)('the console in Chromium', { timeout: BROWSER_TIMEOUT_MS }, () => {
  describe('when an admin signs in through the form', () => {
    it('lands on the overview, with no console error, CSP violation or failed request', async () => {
      const w = await h.newPage();
      await h.signIn(w);
      expect(await w.page.locator('h1').textContent()).toBe('Overview');
      await expect
        .poll(() => w.page.getByRole('heading', { name: 'Waiting for a second admin' }).count())
        .toBe(1);
      expect(await w.page.getByText('bootstrap-admin').count()).toBeGreaterThan(0);
      expect(await w.page.title()).toBe('Overview · trustgate');
      expect(w.allProblems()).toEqual([]);
    });

    it('returns to the page first asked for (next), on this console only', async () => {
      const w = await h.newPage();
      await w.page.goto('/console?from=bookmark');
      expect(new URL(w.page.url()).pathname).toBe('/console/sign-in');
      await w.page.getByLabel('API token').fill(TEST_ADMIN_TOKEN);
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await w.page.waitForURL((url) => url.pathname === '/console');
      expect(new URL(w.page.url()).search).toBe('?from=bookmark');
      expect(w.allProblems()).toEqual([]);
    });
  });

  describe('when a real /verify opened a case and an admin proposed its root', () => {
    it('the overview shows the case and the root waiting for a second admin, with who proposed it and why', async () => {
      const caseId = await openDemoJarCase(h.baseUrl);
      const dave = await issueTokenSecret(h.baseUrl, 'dave', 'admin');
      await proposeDemoJarRoot(h.baseUrl, dave, caseId);
      const w = await h.newPage();
      await h.signIn(w);
      expect(await w.page.getByRole('link', { name: caseId }).count()).toBeGreaterThan(0);
      const waiting = w.page.getByRole('row').filter({ hasText: 'Root: CN=Acme JAR Root CA' });
      expect(await waiting.textContent()).toContain('dave');
      expect(await waiting.textContent()).toContain(`for case ${caseId}`);
      expect(w.allProblems()).toEqual([]);
    });
  });

  describe('when the token is wrong', () => {
    it('stays on the sign-in page and says the token is not known', async () => {
      const w = await h.newPage();
      await w.page.goto('/console/sign-in');
      await w.page.getByLabel('API token').fill('tg_not-a-token-this-deployment-issued');
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await expect
        .poll(() => w.page.getByRole('alert').textContent())
        .toContain('That token is not known here');
      expect(new URL(w.page.url()).pathname).toBe('/console/sign-in');
      expect(await w.page.locator('h1').textContent()).toBe('Sign in to the trustgate console');
      // The 401 document itself is the only thing the browser may complain about.
      expect(w.allProblems().filter((p) => !/status of 401/.test(p))).toEqual([]);
      const cookies = await w.context.cookies();
      expect(cookies.map((c) => c.name)).not.toContain('trustgate_session');
    });
  });

  describe('when the session is older than 8 hours', () => {
    it('sends the next navigation to the sign-in page, which says the session expired', async () => {
      const w = await h.newPage();
      await h.signIn(w);
      h.clock.advance(EIGHT_HOURS_MS + 60_000);
      await w.page.goto('/console');
      expect(new URL(w.page.url()).pathname).toBe('/console/sign-in');
      expect(await w.page.getByRole('status').textContent()).toMatch(/session expired/i);
      expect(w.allProblems()).toEqual([]);
    });

    it('refuses a form posted from a page opened before it expired, visibly, and changes nothing', async () => {
      const w = await h.newPage();
      await h.signIn(w);
      h.clock.advance(EIGHT_HOURS_MS + 60_000);
      await w.page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => w.page.getByRole('alert').textContent()).toContain('UNAUTHORIZED');
      expect(await w.page.getByRole('alert').textContent()).toMatch(/session expired/i);
    });
  });

  describe('when the token of a session is revoked through the API', () => {
    it('ends the session: the next page is the sign-in page, which says so', async () => {
      const oncall = await h.issueToken('carol-oncall', 'oncall');
      const w = await h.newPage();
      await h.signIn(w, oncall.secret);
      expect(await w.page.getByText('carol-oncall').count()).toBeGreaterThan(0);

      const revoked = await h.api('DELETE', `/admin/tokens/${oncall.id}`, { token: TEST_ADMIN_TOKEN });
      expect(revoked.status).toBe(200);

      await w.page.reload();
      expect(new URL(w.page.url()).pathname).toBe('/console/sign-in');
      expect(await w.page.getByRole('status').textContent()).toContain('was revoked');
      expect(w.allProblems()).toEqual([]);
    });
  });

  describe('when the user signs out', () => {
    it('ends the session: the overview asks to sign in again', async () => {
      const w = await h.newPage();
      await h.signIn(w);
      await w.page.getByRole('button', { name: 'Sign out' }).click();
      await w.page.waitForURL((url) => url.pathname === '/console/sign-in');
      expect(await w.page.getByRole('status').textContent()).toContain('You are signed out');
      await w.page.goto('/console');
      expect(new URL(w.page.url()).pathname).toBe('/console/sign-in');
      expect(w.allProblems()).toEqual([]);
    });
  });

  describe('when the pages are used with a keyboard or a screen reader', () => {
    it('the check itself finds a missing label, skipped heading levels, invisible focus and no skip link', async () => {
      const w = await h.newPage();
      await w.page.setContent(`<!doctype html><html><head><title>Bad</title>
        <style>a:focus, button:focus { outline: none; }</style></head><body>
        <h1>One</h1><h3>Three</h3><h1>Again</h1>
        <a href="/elsewhere">a link</a><input name="q"><button></button><a href="/icon"></a>
        <table><tr><th>Head</th></tr></table></body></html>`);
      expect(await a11yProblems(w.page)).toEqual(
        expect.arrayContaining([
          'the <html> element has no lang',
          '<input name="q"> has no label',
          '<button> has no text',
          'the link to /icon has no text',
          'the table header "Head" has no scope',
          'the page has 2 h1 headings, not one',
          'the h3 "Three" follows an h1 (a level is skipped)',
          'the first Tab stop is <a> "a link", not the skip link',
          'focus on <a> "a link" is not visible (no outline)',
          'the page has no skip link as its first Tab stop',
        ]),
      );
    });

    it('the sign-in page: labelled field, headings in order, visible focus, a working skip link', async () => {
      const w = await h.newPage();
      expect(await documentCsp(w, '/console/sign-in')).toContain("default-src 'none'");
      expect(await a11yProblems(w.page)).toEqual([]);
      expect(w.allProblems()).toEqual([]);
    });

    it('the sign-in page showing an error', async () => {
      const w = await h.newPage();
      await w.page.goto('/console/sign-in');
      await w.page.getByLabel('API token').fill('short');
      // `required` only: the browser lets a short value through, the server says what is wrong.
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => w.page.getByRole('alert').count()).toBe(1);
      expect(await a11yProblems(w.page)).toEqual([]);
    });

    it('the overview', async () => {
      const w = await h.newPage();
      await h.signIn(w);
      expect(await documentCsp(w, '/console')).toContain("default-src 'none'");
      expect(await a11yProblems(w.page, { tabStops: 12 })).toEqual([]);
      expect(w.allProblems()).toEqual([]);
    });

    it('the error page, signed in and signed out', async () => {
      const w = await h.newPage();
      await h.signIn(w);
      await w.page.locator('form[action="/console/sign-out"] input[name="_csrf"]').evaluate((input) => {
        (input as HTMLInputElement).value = 'forged';
      });
      await w.page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => w.page.locator('h1').textContent()).toBe('Refused');
      expect(await a11yProblems(w.page)).toEqual([]);

      // Signed out: a form of a page whose session has since expired.
      const late = await h.newPage();
      await h.signIn(late);
      h.clock.advance(EIGHT_HOURS_MS + 60_000);
      await late.page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => late.page.locator('h1').textContent()).toBe('Refused');
      expect(await late.page.locator('header.top').count()).toBe(0);
      expect(await a11yProblems(late.page)).toEqual([]);
    });
  });
});
