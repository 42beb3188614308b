/**
 * Screenshots of the console's main pages for docs/console/ (issue 18), over the on-call story:
 *   - alice (admin) subscribes Acme's feed (served on 127.0.0.1), which announces Acme Root R2 and links
 *     its PEM; polling it makes R2 a candidate. A Globex feed that answers 404 is failing;
 *   - a package signed under R2 is sent to a real POST /verify, which answers unknown_root and opens a
 *     case; so does the README's demonstration JAR (another root nobody knows);
 *   - alice proposes R2 from its candidate (POST /candidates/{id}/propose), citing the case: it waits for
 *     a second admin (bob); she also proposes a new PSIRT contact for Globex;
 *   - carol (oncall) ticks the first step of the checklist.
 * The app is the one the tests build (test/helpers/test-app.ts, in this process, pinned clock), served on
 * 127.0.0.1 on a free port, photographed by Debian's Chromium through playwright-core at 1280 px wide:
 * the viewport only, but the whole page where its length matters (overview, case, approval), cut at
 * MAX_HEIGHT.
 *
 *   npx tsx scripts/console-screenshots.ts [--out docs/console]
 *
 * The pages are a list (PAGES below). Any failure is reported and makes the exit status 1.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { paths } from '../src/console/paths';
import { launchChromium, serveOnFreePort, testClock } from '../test/browser/harness';
import {
  openR2Case,
  R2_SHA256,
  startAcmeFeed,
  subscribeAndPoll,
  R2_VENDOR as VENDOR,
} from '../test/browser/r2-story';
import { apiCall, DEMO_JAR_ROOT_PEM, issueTokenSecret, openDemoJarCase } from '../test/browser/story';
import { createTestApp } from '../test/helpers/test-app';

const ROOT = join(import.meta.dirname, '..');
const WIDTH = 1280;
const HEIGHT = 800;
/** A full-page shot is cut here: enough for the page's point, and the PNG stays small. */
const MAX_HEIGHT = 1800;

type Who = 'alice' | 'bob' | 'carol';

/** What the story left behind, for the pages' addresses. */
interface Story {
  caseId: string;
  candidateId: string;
}

interface Shot {
  /** File name under the output folder. */
  file: string;
  /** Console path, or a function of the story. */
  path: string | ((story: Story) => string);
  /** Who looks at it; null: signed out. */
  as: Who | null;
  /** The whole page (cut at MAX_HEIGHT) rather than the viewport. */
  fullPage?: boolean;
  /** Starts the shot at this element (a section further down a long page) rather than at the top. */
  from?: string;
  /** What the person does on the page before the shot (the shot is of the page it leads to). */
  act?: (page: Page) => Promise<void>;
}

const r2 = { vendorId: VENDOR, sha256: R2_SHA256, kind: 'root' as const };

/** The main pages (docs/console.md and the README show some of them). */
const PAGES: Shot[] = [
  { file: 'sign-in.png', path: '/console/sign-in', as: null },
  { file: 'overview.png', path: paths.overview, as: 'bob', fullPage: true },
  { file: 'case.png', path: (s) => paths.case(s.caseId), as: 'carol', fullPage: true },
  {
    file: 'case-actions.png',
    path: (s) => paths.case(s.caseId),
    as: 'alice',
    fullPage: true,
    from: '#evidence',
  },
  { file: 'approval.png', path: paths.anchorApproval(r2), as: 'bob', fullPage: true },
  { file: 'vendor.png', path: paths.vendor(VENDOR), as: 'alice' },
  {
    file: 'propose-preview.png',
    path: paths.propose(VENDOR),
    as: 'alice',
    act: async (page) => {
      await page.getByLabel('Paste one PEM certificate').fill(await readFile(DEMO_JAR_ROOT_PEM, 'utf8'));
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('button', { name: /^Propose this/ }).waitFor();
    },
  },
  { file: 'candidates.png', path: paths.candidates, as: 'alice' },
  { file: 'candidate.png', path: (s) => paths.candidate(VENDOR, s.candidateId), as: 'alice' },
  { file: 'feeds.png', path: paths.feeds, as: 'alice' },
  { file: 'audit.png', path: `${paths.audit}?vendor=${VENDOR}`, as: 'alice' },
  { file: 'api.png', path: paths.api, as: 'alice' },
];

const outDir = (() => {
  const at = process.argv.indexOf('--out');
  return resolve(ROOT, at > 0 ? (process.argv[at + 1] ?? 'docs/console') : 'docs/console');
})();

/** PATCH /vendors/{id} as the API takes it (If-Match with the vendor's ETag): a pending vendor change. */
async function proposeVendorChange(baseUrl: string, token: string, vendor: string, body: unknown) {
  const current = await fetch(`${baseUrl}/vendors/${vendor}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const res = await fetch(`${baseUrl}/vendors/${vendor}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'if-match': current.headers.get('etag') ?? '',
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`PATCH /vendors/${vendor}: ${res.status} ${await res.text()}`);
}

async function main(): Promise<number> {
  // A morning: the store seeded at 08:00, tokens at 08:10, the feed at 08:30, the pipeline's /verify at
  // 09:12, alice's proposal at 09:41, the screenshots at 09:45.
  const clock = testClock(new Date('2026-06-01T08:00:00Z'));
  const minutes = (n: number) => clock.advance(n * 60_000);
  const feed = await startAcmeFeed();
  const t = await createTestApp({ clock: clock.now, allowPrivateFeeds: true });
  minutes(10);
  const server = await serveOnFreePort(t.app.fetch);
  let browser: Browser | undefined;
  try {
    const tokens: Record<Who, string> = {
      alice: await issueTokenSecret(
        server.url,
        'alice',
        'admin',
        'Alice Martin, security team, ticket SEC-412',
      ),
      bob: await issueTokenSecret(server.url, 'bob', 'admin', 'Bob Okafor, security team, ticket SEC-412'),
      carol: await issueTokenSecret(server.url, 'carol', 'oncall', 'Carol Diaz, on-call rota, ticket OPS-77'),
    };
    minutes(20);
    await subscribeAndPoll(server.url, feed, tokens.alice);
    // Globex's feed moved: the address on file answers 404, so the feed is failing.
    const globexFeed = await apiCall(server.url, 'POST', '/vendors/globex/feeds', tokens.alice, {
      url: `${feed.origin}/globex/security.xml`,
      reason: 'Globex security announcements',
    });
    await fetch(`${server.url}/feeds/${globexFeed.id}/poll`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.alice}` },
    });
    minutes(42);
    const caseId = await openR2Case(server.url);
    minutes(7);
    await openDemoJarCase(server.url);
    minutes(14);
    await apiCall(server.url, 'POST', `/escalations/${caseId}/steps/1`, tokens.carol, {
      done: true,
      note: 'Fingerprints match the ones I computed from widget 1.4.2',
    });
    minutes(8);
    const { candidates } = (await apiCall(
      server.url,
      'GET',
      `/candidates?vendor=${VENDOR}`,
      tokens.alice,
    )) as {
      candidates: { id: string }[];
    };
    const candidateId = candidates[0]?.id ?? '';
    await apiCall(server.url, 'POST', `/candidates/${candidateId}/propose`, tokens.alice, {
      reason: `Acme PSIRT confirmed both fingerprints by phone (case ${caseId})`,
    });
    await proposeVendorChange(server.url, tokens.alice, 'globex', {
      contacts: [{ name: 'Globex PSIRT', channel: 'email', value: 'psirt@globex.example' }],
      reason: 'Globex moved its PSIRT mailbox (ticket SEC-415)',
    });
    const story: Story = { caseId, candidateId };
    console.log(`story: case ${caseId}, R2 proposed by alice from candidate ${candidateId}`);

    const chromium = await launchChromium();
    browser = chromium;
    minutes(4);
    const pages = new Map<Who | null, Page>();
    const pageFor = async (who: Who | null): Promise<Page> => {
      const known = pages.get(who);
      if (known) return known;
      const context = await chromium.newContext({
        baseURL: server.url,
        viewport: { width: WIDTH, height: HEIGHT },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      if (who) {
        await page.goto('/console/sign-in');
        await page.getByLabel('API token').fill(tokens[who]);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL((url) => url.pathname === '/console');
      }
      pages.set(who, page);
      return page;
    };

    await mkdir(outDir, { recursive: true });
    let failures = 0;
    for (const shot of PAGES) {
      const path = typeof shot.path === 'function' ? shot.path(story) : shot.path;
      const page = await pageFor(shot.as);
      const response = await page.goto(path);
      const status = response?.status() ?? 0;
      if (status !== 200) {
        console.error(`FAILED ${shot.file}: ${path} answered ${status}`);
        failures++;
        continue;
      }
      await shot.act?.(page);
      const top = shot.from
        ? Math.max(0, Math.floor((await page.locator(shot.from).boundingBox())?.y ?? 0) - 16)
        : 0;
      const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
      const height = shot.fullPage ? Math.min(MAX_HEIGHT, pageHeight - top) : HEIGHT;
      await page.screenshot({
        path: join(outDir, shot.file),
        fullPage: shot.fullPage ?? false,
        clip: { x: 0, y: top, width: WIDTH, height },
      });
      console.log(`saved ${join(outDir, shot.file)} (${path}, as ${shot.as ?? 'signed out'})`);
    }
    return failures > 0 ? 1 : 0;
  } finally {
    await browser?.close();
    await server.close();
    await feed.close();
    t.close();
  }
}

process.exitCode = await main();
