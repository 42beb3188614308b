import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createTestApp, TEST_ADMIN_TOKEN } from '../helpers/test-app';

/**
 * The console in a real browser: the app as the tests build it (createTestApp, in this process, with a
 * clock the test moves) served on 127.0.0.1 on a free port, and Debian's Chromium driven through
 * playwright-core (no browser download). Every page opened here records what a user would not see but
 * should worry about: console errors (CSP violations are reported there), uncaught page errors and
 * failed requests.
 */

/** Debian's Chromium (`.ci/run` installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and quiet: without the background-networking flags Chromium calls home and is refused. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests run here: Debian's Chromium is installed, or the run requires them
 * (`.ci/run` installs Chromium and sets TRUSTGATE_BROWSER_TESTS=required, so there a missing browser fails
 * loudly instead of skipping). On a machine with Node alone they are skipped, and say so.
 */
export const BROWSER_TESTS_RUN = existsSync(CHROMIUM) || process.env.TRUSTGATE_BROWSER_TESTS === 'required';
if (!BROWSER_TESTS_RUN) {
  console.warn(
    `browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium runs them; .ci/run does)`,
  );
}

/** For `describe`/hooks: starting a browser on a shared 2-core machine can take a while. */
export const BROWSER_TIMEOUT_MS = 120_000;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium), as .ci/run does`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Serves a fetch handler on 127.0.0.1 on a free port; `close` stops it. */
export async function serveOnFreePort(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** What went wrong in a page, as text, one entry per event. */
export interface PageProblems {
  /** console.error messages, CSP violations among them ("Refused to ..."). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page (there should be no script at all). */
  pageErrors: string[];
  /** Requests that did not complete (blocked, refused, aborted). */
  failedRequests: string[];
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems: PageProblems;
  /** Every problem as one list of lines (empty when the page behaved). */
  allProblems(): string[];
  /** Forgets what was recorded so far (after a step whose errors were expected). */
  clearProblems(): void;
}

/** A fixed instant that the test moves forward. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(start = new Date('2026-06-01T09:00:00Z')): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface ConsoleHarness {
  /** http://127.0.0.1:<port> of the app. */
  baseUrl: string;
  clock: TestClock;
  t: Awaited<ReturnType<typeof createTestApp>>;
  browser: Browser;
  /** A page in a fresh browser context (its own cookies), watched for problems. */
  newPage(): Promise<WatchedPage>;
  /** An API call over HTTP to the served app, with a bearer token (JSON body when given). */
  api(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  /** Issues an API token with the bootstrap admin token; returns its id and secret. */
  issueToken(name: string, role: 'admin' | 'oncall' | 'verifier'): Promise<{ id: string; secret: string }>;
  /** Signs `watched` in through the sign-in form, as a person would, and waits for the overview. */
  signIn(watched: WatchedPage, token?: string): Promise<void>;
  close(): Promise<void>;
}

/** Attaches the problem recorders to a new page of `context`. */
export async function watchPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.consoleErrors.push(`${message.text()} (at ${message.location().url || page.url()})`);
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(`${error.name}: ${error.message}`));
  page.on('requestfailed', (request) => {
    // The browser fetches the tab's icon on its own schedule and drops the fetch when the page moves on.
    if (
      request.url().endsWith('/console/assets/icon.svg') &&
      request.failure()?.errorText === 'net::ERR_ABORTED'
    )
      return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  return {
    page,
    context,
    problems,
    allProblems: () => [
      ...problems.consoleErrors.map((m) => `console error: ${m}`),
      ...problems.pageErrors.map((m) => `page error: ${m}`),
      ...problems.failedRequests.map((m) => `failed request: ${m}`),
    ],
    clearProblems: () => {
      problems.consoleErrors.length = 0;
      problems.pageErrors.length = 0;
      problems.failedRequests.length = 0;
    },
  };
}

/**
 * Starts the app and Chromium. One per test file (in `beforeAll`, with BROWSER_TIMEOUT_MS), closed in
 * `afterAll`: launching a browser is the slow part, so tests share it and take a fresh context each.
 */
export async function startConsoleHarness(
  options: Omit<NonNullable<Parameters<typeof createTestApp>[0]>, 'clock' | 'now'> & {
    clock?: TestClock;
  } = {},
): Promise<ConsoleHarness> {
  const clock = options.clock ?? testClock();
  const t = await createTestApp({ ...options, clock: clock.now });
  const server = await serveOnFreePort(t.app.fetch);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    t.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];

  const api: ConsoleHarness['api'] = (method, path, { token, body } = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  return {
    baseUrl: server.url,
    clock,
    t,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: server.url });
      contexts.push(context);
      return watchPage(context);
    },
    api,
    async issueToken(name, role) {
      const res = await api('POST', '/admin/tokens', {
        token: TEST_ADMIN_TOKEN,
        body: { name, role, reason: `browser test token for ${name}` },
      });
      if (res.status !== 201) throw new Error(`issuing token ${name}: ${res.status} ${await res.text()}`);
      const created = (await res.json()) as { id: string; token: string };
      return { id: created.id, secret: created.token };
    },
    async signIn({ page }, token = TEST_ADMIN_TOKEN) {
      await page.goto('/console/sign-in');
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/console');
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.close();
      t.close();
    },
  };
}
