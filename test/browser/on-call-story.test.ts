import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/console/paths';
import type { FeedServer } from '../advisories/helpers/feed-server';
import { BROWSER_TESTS_RUN, BROWSER_TIMEOUT_MS, type ConsoleHarness, startConsoleHarness } from './harness';
import {
  openR2Case,
  R2_ITEM_TITLE,
  R2_SHA256,
  R2_VENDOR,
  startAcmeFeed,
  subscribeAndPoll,
  verifyR2Package,
} from './r2-story';

/**
 * Issue 18's story, end to end in Chromium: a package signed under a root Acme announced in its feed but
 * nobody approved is refused by a real POST /verify, which opens a case; admin A proposes the root from
 * the case page, is refused approving it himself, admin B approves it, the case is resolved and the next
 * /verify of the same package is trusted. Every page visited is checked for console errors, CSP
 * violations and failed requests.
 */

let h: ConsoleHarness;
let feed: FeedServer;
let alice: { id: string; secret: string };
let bob: { id: string; secret: string };
let caseId: string;

beforeAll(async () => {
  feed = await startAcmeFeed();
  h = await startConsoleHarness({ allowPrivateFeeds: true });
  alice = await h.issueToken('alice', 'admin');
  bob = await h.issueToken('bob', 'admin');
  await subscribeAndPoll(h.baseUrl, feed, alice.secret);
  caseId = await openR2Case(h.baseUrl);
}, BROWSER_TIMEOUT_MS);
afterAll(async () => {
  await h?.close();
  await feed?.close();
}, BROWSER_TIMEOUT_MS);

/** The root's state as the API tells it (GET /vendors/acme/roots). */
async function rootState(): Promise<string | undefined> {
  const res = await h.api('GET', `/vendors/${R2_VENDOR}/roots`, { token: bob.secret });
  const { roots } = (await res.json()) as { roots: { sha256: string; state: string }[] };
  return roots.find((r) => r.sha256 === R2_SHA256)?.state;
}

describe.skipIf(!BROWSER_TESTS_RUN)(
  'the on-call story in Chromium (issue 18)',
  { timeout: BROWSER_TIMEOUT_MS },
  () => {
    describe('when a real /verify opened a case for a root announced in a feed', () => {
      it('admin A proposes it from the case, is refused approving it, admin B approves, and the package is trusted', async () => {
        // Admin A: sign in, the case is on the overview.
        const a = await h.newPage();
        await h.signIn(a, alice.secret);
        const caseLink = a.page.getByRole('link', { name: caseId }).first();
        expect(await caseLink.count()).toBe(1);
        await caseLink.click();
        await a.page.waitForURL((url) => url.pathname === paths.case(caseId));
        expect(await a.page.locator('h1').textContent()).toBe(`Case ${caseId}`);

        // The candidate from the feed, and the advisory it came from.
        const candidates = a.page.locator('#evidence ~ table').first();
        expect(await candidates.textContent()).toContain('Acme Root R2');
        expect(await a.page.getByText(R2_ITEM_TITLE).count()).toBeGreaterThan(0);
        expect(await a.page.locator('#proposed + table').count()).toBe(0); // no root proposed yet

        // Propose it from the case page, with a reason.
        const proposeForm = a.page.locator(`form[action="${paths.case(caseId)}/propose"]`);
        const candidate = proposeForm.getByLabel('Candidate');
        expect(await candidate.locator('option').count()).toBe(1);
        expect(await candidate.locator('option').textContent()).toContain('Acme Root R2');
        await proposeForm
          .getByLabel('Why propose this root')
          .fill('Acme PSIRT confirmed the fingerprints by phone (case)');
        await proposeForm.getByRole('button', { name: /Propose as a root of/ }).click();
        await a.page.waitForURL(
          (url) => url.pathname === paths.case(caseId) && url.search === '?done=proposed',
        );
        expect(await rootState()).toBe('pending');

        // The case page shows the root already proposed, by A, with the reason, and no second proposal form.
        const proposedRow = a.page.locator('#proposed ~ table').first().getByRole('row').nth(1);
        const proposedText = await proposedRow.textContent();
        expect(proposedText).toContain('alice');
        expect(proposedText).toContain('pending');
        expect(proposedText).toContain('Acme PSIRT confirmed the fingerprints by phone');
        expect(await a.page.getByRole('button', { name: /Propose as a root of/ }).count()).toBe(0);

        // Follow the link to the approval page; approving one's own proposal is refused, visibly.
        await proposedRow.getByRole('link', { name: /approval page/ }).click();
        const approvalPath = paths.anchorApproval({ vendorId: R2_VENDOR, sha256: R2_SHA256, kind: 'root' });
        await a.page.waitForURL((url) => url.pathname === approvalPath);
        expect(await a.page.getByText('alice').count()).toBeGreaterThan(0);
        await a.page.getByLabel(/Reason for approving/).fill('I checked it too');
        await a.page.getByRole('button', { name: 'Approve this root' }).click();
        await expect.poll(() => a.page.locator('h1').textContent()).toBe('Refused');
        expect(await a.page.getByRole('alert').textContent()).toContain('SELF_APPROVAL_FORBIDDEN');
        expect(await rootState()).toBe('pending');
        // The refusal's document answers 403: the one thing the browser may log.
        expect(a.allProblems().filter((p) => !/status of 403/.test(p))).toEqual([]);
        a.clearProblems();

        await a.page.getByRole('button', { name: 'Sign out' }).click();
        await a.page.waitForURL((url) => url.pathname === '/console/sign-in');
        expect(a.allProblems()).toEqual([]);

        // Admin B: sign in, open the approval page, approve with a reason.
        const b = await h.newPage();
        await h.signIn(b, bob.secret);
        await b.page.goto(approvalPath);
        await b.page
          .getByLabel(/Reason for approving/)
          .fill('Second admin: fingerprint matches the advisory');
        await b.page.getByRole('button', { name: 'Approve this root' }).click();
        const rootPath = paths.anchor({ vendorId: R2_VENDOR, sha256: R2_SHA256, kind: 'root' });
        await b.page.waitForURL((url) => url.pathname === rootPath);
        expect(await b.page.getByRole('status').first().textContent()).toMatch(/approved/i);
        expect(await rootState()).toBe('active');

        // The case page now shows the case resolved as approved.
        await b.page.goto(paths.case(caseId));
        const resolved = b.page.getByRole('status').filter({ hasText: 'Resolved' });
        expect(await resolved.textContent()).toMatch(/Resolved\s*approved\s*by bob/);
        expect(await b.page.locator('#proposed ~ table').first().textContent()).toContain('active');
        expect(b.allProblems()).toEqual([]);

        // And the next /verify of the same package is trusted, anchored at R2.
        const again = await verifyR2Package(h.baseUrl);
        expect(again.verdict).toBe('trusted');
        expect(again.anchor?.sha256).toBe(R2_SHA256);
      });
    });
  },
);
