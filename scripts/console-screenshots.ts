/**
 * Screenshots of the console's main pages for docs/console/ (issue 18), over a small, realistic story:
 *   - a package signed under a root trustgate does not know (the README's demonstration JAR) is sent to
 *     a real POST /verify, which answers unknown_root and opens a case;
 *   - alice (admin) proposes that root for the vendor, citing the case: it waits for a second admin;
 *   - bob (admin) and carol (oncall) have tokens too.
 * The app is the one the tests build (test/helpers/test-app.ts, in this process, pinned clock), served on
 * 127.0.0.1 on a free port, photographed by Debian's Chromium through playwright-core.
 *
 *   npx tsx scripts/console-screenshots.ts [--out docs/console]
 *
 * The pages are a list (PAGES below): a page the console does not have yet (404) is skipped with a
 * message, so the script can be re-run as pages are added. Any other failure is reported and makes the
 * exit status 1.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { paths } from '../src/console/paths';
import { launchChromium, serveOnFreePort, testClock } from '../test/browser/harness';
import {
  issueTokenSecret,
  openDemoJarCase,
  proposeDemoJarRoot,
  DEMO_VENDOR as VENDOR,
} from '../test/browser/story';
import { createTestApp } from '../test/helpers/test-app';

const ROOT = join(import.meta.dirname, '..');

type Who = 'alice' | 'bob' | 'carol';

/** What the story left behind, for the pages' addresses. */
interface Story {
  caseId: string;
  rootSha256: string;
}

interface Shot {
  /** File name under the output folder. */
  file: string;
  /** Console path, or a function of the story. */
  path: string | ((story: Story) => string);
  /** Who looks at it; null: signed out. */
  as: Who | null;
}

/** The main pages; the lead adds rows as pages land. */
const PAGES: Shot[] = [
  { file: 'sign-in.png', path: '/console/sign-in', as: null },
  { file: 'overview.png', path: paths.overview, as: 'alice' },
  { file: 'cases.png', path: paths.cases, as: 'carol' },
  { file: 'case.png', path: (s) => paths.case(s.caseId), as: 'carol' },
  { file: 'approvals.png', path: paths.approvals, as: 'bob' },
  {
    file: 'approval.png',
    path: (s) => paths.anchorApproval({ vendorId: VENDOR, sha256: s.rootSha256, kind: 'root' }),
    as: 'bob',
  },
  { file: 'vendors.png', path: paths.vendors, as: 'alice' },
  { file: 'vendor.png', path: paths.vendor(VENDOR), as: 'alice' },
  {
    file: 'root.png',
    path: (s) => paths.anchor({ vendorId: VENDOR, sha256: s.rootSha256, kind: 'root' }),
    as: 'alice',
  },
  { file: 'propose.png', path: paths.propose(VENDOR), as: 'alice' },
  { file: 'candidates.png', path: paths.candidates, as: 'alice' },
  { file: 'feeds.png', path: paths.feeds, as: 'alice' },
  { file: 'audit.png', path: paths.audit, as: 'alice' },
  { file: 'api.png', path: paths.api, as: 'alice' },
];

const outDir = (() => {
  const at = process.argv.indexOf('--out');
  return join(ROOT, at > 0 ? (process.argv[at + 1] ?? 'docs/console') : 'docs/console');
})();

async function main(): Promise<number> {
  // A morning: the store seeded at 08:00, tokens at 08:10, the pipeline's /verify at 09:12, the proposal at 09:41.
  const clock = testClock(new Date('2026-06-01T08:00:00Z'));
  const minutes = (n: number) => clock.advance(n * 60_000);
  const t = await createTestApp({ clock: clock.now });
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
    minutes(62);
    const caseId = await openDemoJarCase(server.url);
    minutes(29);
    const rootSha256 = await proposeDemoJarRoot(server.url, tokens.alice, caseId);
    const story: Story = { caseId, rootSha256 };
    console.log(`story: case ${caseId}, root ${story.rootSha256} proposed by alice`);

    const chromium = await launchChromium();
    browser = chromium;
    minutes(4);
    const pages = new Map<Who | null, Page>();
    const pageFor = async (who: Who | null): Promise<Page> => {
      const known = pages.get(who);
      if (known) return known;
      const context = await chromium.newContext({
        baseURL: server.url,
        viewport: { width: 1280, height: 800 },
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
      if (status === 404) {
        console.log(`skipped ${shot.file}: ${path} is not a console page yet (404)`);
        continue;
      }
      if (status !== 200) {
        console.error(`FAILED ${shot.file}: ${path} answered ${status}`);
        failures++;
        continue;
      }
      await page.screenshot({ path: join(outDir, shot.file), fullPage: true });
      console.log(`saved ${join(outDir, shot.file)} (${path}, as ${shot.as ?? 'signed out'})`);
    }
    return failures > 0 ? 1 : 0;
  } finally {
    await browser?.close();
    await server.close();
    t.close();
  }
}

process.exitCode = await main();
