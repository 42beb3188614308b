import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/console/paths';
import type { FeedServer } from '../advisories/helpers/feed-server';
import { ROOTS } from '../trust/helpers/admin-client';
import { a11yProblems } from './a11y';
import {
  BROWSER_TESTS_RUN,
  BROWSER_TIMEOUT_MS,
  type ConsoleHarness,
  startConsoleHarness,
  type WatchedPage,
} from './harness';
import { openR2Case, R2_PEM, R2_SHA256, R2_VENDOR, startAcmeFeed, subscribeAndPoll } from './r2-story';
import { apiCall, DEMO_JAR_ROOT_PEM, openDemoJarCase } from './story';

/**
 * Keyboard and screen-reader basics (test/browser/a11y.ts) and a clean browser log on every console page,
 * each shown with realistic data: the on-call story seeded over HTTP (Acme's feed announcing R2, polled;
 * a real /verify that opened a case; R2 proposed by alice and waiting for a second admin; a contact change
 * to Globex waiting too; a second case from the demonstration JAR), looked at by an admin (alice) and an
 * on-call engineer (carol).
 */

let h: ConsoleHarness;
let feed: FeedServer;
let story: { caseId: string; candidateId: string; changeId: string };
let alicePage: WatchedPage;
let carolPage: WatchedPage;

beforeAll(async () => {
  feed = await startAcmeFeed();
  h = await startConsoleHarness({ allowPrivateFeeds: true });
  const alice = (await h.issueToken('alice', 'admin')).secret;
  const carol = (await h.issueToken('carol', 'oncall')).secret;
  await subscribeAndPoll(h.baseUrl, feed, alice);
  const caseId = await openR2Case(h.baseUrl);
  await openDemoJarCase(h.baseUrl);
  await apiCall(h.baseUrl, 'POST', `/vendors/${R2_VENDOR}/roots`, alice, {
    pem: R2_PEM,
    reason: `Acme Root R2 from Acme's feed, fingerprints confirmed by phone (case ${caseId})`,
  });
  const { candidates } = (await apiCall(h.baseUrl, 'GET', `/candidates?vendor=${R2_VENDOR}`, alice)) as {
    candidates: { id: string }[];
  };
  const globex = await h.api('GET', '/vendors/globex', { token: alice });
  const change = await fetch(`${h.baseUrl}/vendors/globex`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${alice}`,
      'content-type': 'application/json',
      'if-match': globex.headers.get('etag') ?? '',
    },
    body: JSON.stringify({
      contacts: [{ name: 'Globex PSIRT', channel: 'email', value: 'psirt@globex.example' }],
      reason: 'Globex moved its PSIRT mailbox (ticket SEC-415)',
    }),
  });
  if (change.status !== 202)
    throw new Error(`PATCH /vendors/globex: ${change.status} ${await change.text()}`);
  story = {
    caseId,
    candidateId: candidates[0]?.id ?? '',
    changeId: String(((await change.json()) as { id: string }).id),
  };
  alicePage = await h.newPage();
  await h.signIn(alicePage, alice);
  carolPage = await h.newPage();
  await h.signIn(carolPage, carol);
}, BROWSER_TIMEOUT_MS);
afterAll(async () => {
  await h?.close();
  await feed?.close();
}, BROWSER_TIMEOUT_MS);

/**
 * WCAG 2.5.3 (label in name), which a11yProblems does not check: a control whose spoken name (aria-label)
 * replaces its visible words must still contain them, or a voice-control user saying what they see misses.
 */
const labelInNameProblems = (w: WatchedPage) =>
  w.page.evaluate(() =>
    Array.from(document.querySelectorAll('[aria-label]'))
      .filter((el) => el.matches('a, button, input, select, textarea, summary'))
      .map((el) => ({
        visible: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
        name: el.getAttribute('aria-label') ?? '',
      }))
      .filter(({ visible, name }) => visible !== '' && !name.toLowerCase().includes(visible.toLowerCase()))
      .map(({ visible, name }) => `the name "${name}" does not contain the visible "${visible}"`),
  );

/**
 * Opens `path` (or stays on the page `open` leads to) and checks it: the status, the a11y basics, and no
 * console error, CSP violation or failed request (but the document's own status when it is an error).
 */
async function checkPage(
  w: WatchedPage,
  open: string | (() => Promise<unknown>),
  { status = 200, heading }: { status?: number; heading?: string | RegExp } = {},
): Promise<void> {
  w.clearProblems();
  if (typeof open === 'string') {
    const response = await w.page.goto(open);
    expect(response?.status()).toBe(status);
  } else {
    await open();
  }
  if (heading !== undefined) expect(await w.page.locator('h1').textContent()).toMatch(heading);
  // Every Tab stop of the page (the walk stops where focus leaves the document).
  expect(await a11yProblems(w.page, { tabStops: 400 })).toEqual([]);
  expect(await labelInNameProblems(w)).toEqual([]);
  const expected = status === 200 ? null : new RegExp(`status of ${status}`);
  expect(w.allProblems().filter((p) => !expected?.test(p))).toEqual([]);
}

const r2 = { vendorId: R2_VENDOR, sha256: R2_SHA256, kind: 'root' as const };

describe.skipIf(!BROWSER_TESTS_RUN)(
  'every console page, for a keyboard and a screen reader',
  { timeout: BROWSER_TIMEOUT_MS },
  () => {
    describe('when an admin looks at them', () => {
      it('the overview', () => checkPage(alicePage, paths.overview, { heading: 'Overview' }));
      it('the cases list', () => checkPage(alicePage, paths.cases));
      it('a case, with its candidate and the root already proposed', async () => {
        await checkPage(alicePage, paths.case(story.caseId), { heading: `Case ${story.caseId}` });
        expect(await alicePage.page.locator('#proposed ~ table').first().textContent()).toContain('alice');
      });
      it('the approvals list', () => checkPage(alicePage, paths.approvals));
      it('the approval of a root', () =>
        checkPage(alicePage, paths.anchorApproval(r2), { heading: /^Approve/ }));
      it('the approval of a vendor change', () =>
        checkPage(alicePage, paths.changeApproval('globex', story.changeId)));
      it('the vendors list', () => checkPage(alicePage, paths.vendors));
      it('a vendor', () => checkPage(alicePage, paths.vendor(R2_VENDOR)));
      it('an active root', () =>
        checkPage(alicePage, paths.anchor({ vendorId: 'acme', sha256: ROOTS.acmeRsa, kind: 'root' })));
      it('a pending root', () => checkPage(alicePage, paths.anchor(r2)));
      it('the propose page', () => checkPage(alicePage, paths.propose(R2_VENDOR)));
      it('the propose page with a preview', async () => {
        const pem = await readFile(DEMO_JAR_ROOT_PEM, 'utf8');
        await checkPage(alicePage, async () => {
          await alicePage.page.goto(paths.propose(R2_VENDOR));
          await alicePage.page.getByLabel('Paste one PEM certificate').fill(pem);
          await alicePage.page.getByRole('button', { name: 'Preview' }).click();
          await alicePage.page.getByRole('button', { name: /^Propose this/ }).waitFor();
        });
      });
      it('the candidates list', () => checkPage(alicePage, paths.candidates));
      it('a candidate, with its provenance', () =>
        checkPage(alicePage, paths.candidate(R2_VENDOR, story.candidateId)));
      it('the feeds', () => checkPage(alicePage, paths.feeds));
      it('the audit log, filtered', async () => {
        await checkPage(alicePage, `${paths.audit}?vendor=acme&actor=alice`);
        expect(await alicePage.page.getByLabel('Vendor id').inputValue()).toBe('acme');
      });
      it('the API reference', () => checkPage(alicePage, paths.api));
      it('the error page (a case that does not exist)', () =>
        checkPage(alicePage, paths.case('esc_00000000000000000000000000'), {
          status: 404,
          heading: 'Refused',
        }));
    });

    describe('when an on-call engineer looks at them', () => {
      it('the overview', () => checkPage(carolPage, paths.overview));
      it('a case, with its checklist to tick', async () => {
        await checkPage(carolPage, paths.case(story.caseId));
        expect(await carolPage.page.getByRole('button', { name: /Mark step 1 done/ }).count()).toBe(1);
      });
      it('the approval of a root (nothing to approve)', () => checkPage(carolPage, paths.anchorApproval(r2)));
    });

    describe('when a person signs in with the keyboard only', () => {
      it('Tab reaches the token field, typing and Enter land on the overview', async () => {
        const token = (await h.issueToken('dana', 'admin')).secret;
        const w = await h.newPage();
        await w.page.goto('/console/sign-in');
        let onField = false;
        for (let i = 0; i < 6 && !onField; i++) {
          await w.page.keyboard.press('Tab');
          onField = await w.page.evaluate(() => document.activeElement?.id === 'token');
        }
        expect(onField).toBe(true);
        await w.page.keyboard.type(token);
        await w.page.keyboard.press('Enter');
        await w.page.waitForURL((url) => url.pathname === '/console');
        expect(await w.page.locator('h1').textContent()).toBe('Overview');
        expect(w.allProblems()).toEqual([]);
      });
    });
  },
);
