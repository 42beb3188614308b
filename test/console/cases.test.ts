import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCertificate } from '../../src/advisories';
import { createConsole } from '../../src/console';
import type { ConsoleDeps } from '../../src/console/deps';
import { createAuditReader, createSessionRepository, createTokenRepository, schema } from '../../src/db';
import { createCandidateRepository } from '../../src/db/candidate-repository';
import { createCrlRepository } from '../../src/db/crl-repository';
import { colonHex } from '../../src/escalation';
import { createAuthenticator } from '../../src/http/auth';
import { createTrustAdmin } from '../../src/services/trust-admin';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { TEST_ADMIN_TOKEN } from '../helpers/test-app';
import { createAdminTestApp, fixturePem } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

/** globex's chain checked as vendor acme: a clean chain that ends at a root acme does not have. */
const UNKNOWN_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';
const GLOBEX_ROOT_PEM = fixturePem('trust-store/globex/globex-root-p384.pem');
const subtle = globalThis.crypto.subtle;

async function giveAcmeContacts(t: App) {
  const vendor = await t.trust.getVendor('acme');
  if (!vendor) throw new Error('no acme');
  const contacts = [{ name: 'Acme PSIRT', channel: 'email', value: 'psirt@acme.example' }];
  await t.trust.updateVendor({ ...vendor, contacts, version: vendor.version + 1 }, vendor.version);
}

/** Opens (or joins) acme's unknown-root case with a real POST /verify; answers its id. */
async function openCase(t: App): Promise<{ id: string; sha256: string; spkiSha256: string }> {
  const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
  expect(body.verdict).toBe('unknown_root');
  const e = body.escalation as { id: string; topCertificate: { sha256: string; spkiSha256: string } };
  return { id: e.id, ...e.topCertificate };
}

const apiCase = async (t: App, id: string, token: string) =>
  (await (await t.call('GET', `/escalations/${id}`, { token })).json()) as {
    case: {
      state: string;
      steps: Array<{ n: number; done: boolean; note: string; actor: string }>;
      resolution: { outcome: string; note: string; actor: string } | null;
    };
    checklist: Array<{ n: number; title: string; done: boolean }>;
  };

/** The code of a refusal page. */
const refusalCode = (html: string) => /<strong><code>([A-Z_]+)<\/code><\/strong>/.exec(html)?.[1];

describe('console case pages', () => {
  let t: App;
  let oncallToken: string;
  let oncall: ConsoleClient;
  let admin: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    await giveAcmeContacts(t);
    oncallToken = (await t.createToken('pat-oncall', 'oncall')).secret;
    oncall = await signInToConsole(t.app, oncallToken);
    admin = await signInToConsole(t.app, t.alice);
  });
  afterAll(() => t.close());

  describe('when a POST /verify opened a case', () => {
    it('lists it among the open cases with its vendor, root and count', async () => {
      const { id } = await openCase(t);
      const res = await oncall.get('/console/cases');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`href="/console/cases/${id}"`);
      expect(html).toContain('acme');
      expect(html).toContain('Globex');
      const resolved = await (await oncall.get('/console/cases?state=resolved')).text();
      expect(resolved).not.toContain(`href="/console/cases/${id}"`);
    });

    it('shows on-call the fingerprints in groups of four, the contacts on file and the checklist', async () => {
      const top = await openCase(t);
      const res = await oncall.get(`/console/cases/${top.id}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const grouped = top.sha256.toUpperCase().match(/.{4}/g)?.join(' ') ?? '';
      expect(grouped.split(' ')).toHaveLength(16);
      expect(html).toContain(grouped);
      expect(html).toContain(top.spkiSha256.toUpperCase().match(/.{4}/g)?.join(' '));
      expect(html).toContain(colonHex(top.sha256));
      expect(html).toContain('For reading to the vendor, never to match');
      expect(html).toContain('Acme PSIRT');
      expect(html).toContain('psirt@acme.example');
      const { checklist } = await apiCase(t, top.id, oncallToken);
      expect(checklist.length).toBeGreaterThanOrEqual(3);
      for (const step of checklist) {
        expect(html).toContain(`id="step-${step.n}"`);
        expect(html).toContain(`action="/console/cases/${top.id}/steps/${step.n}"`);
      }
      expect(html).toContain('<label for="note-1">');
      expect(html).toContain(`href="/console/cases/${top.id}/checklist.md"`);
    });

    it('serves the same Markdown checklist as the API', async () => {
      const { id } = await openCase(t);
      const md = await (await oncall.get(`/console/cases/${id}/checklist.md`)).text();
      const api = await (
        await t.call('GET', `/escalations/${id}`, {
          token: oncallToken,
          headers: { accept: 'text/markdown' },
        })
      ).text();
      expect(md).toBe(api);
    });
  });

  describe('when on-call ticks a step with a note', () => {
    it('stores it as the API does, and the page shows who did it', async () => {
      const { id } = await openCase(t);
      await oncall.get(`/console/cases/${id}`);
      const res = await oncall.post(`/console/cases/${id}/steps/1`, {
        done: 'true',
        note: 'fingerprints <match> the package',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/console/cases/${id}?done=step#step-1`);
      const stored = await apiCase(t, id, oncallToken);
      expect(stored.checklist[0]?.done).toBe(true);
      expect(stored.case.steps).toContainEqual(
        expect.objectContaining({
          n: 1,
          done: true,
          note: 'fingerprints <match> the package',
          actor: 'pat-oncall',
        }),
      );
      const html = await (await oncall.get(`/console/cases/${id}?done=step`)).text();
      expect(html).toContain('The step was recorded.');
      expect(html).toContain('fingerprints &lt;match&gt; the package');
      expect(html).toContain('Undo step 1');

      const undo = await oncall.post(`/console/cases/${id}/steps/1`, { done: 'false', note: 'wrong file' });
      expect(undo.status).toBe(303);
      expect((await apiCase(t, id, oncallToken)).checklist[0]?.done).toBe(false);
    });

    it('refuses a step the playbook does not have, visibly', async () => {
      const { id } = await openCase(t);
      const res = await oncall.post(`/console/cases/${id}/steps/99`, { done: 'true' });
      expect(res.status).toBe(400);
      expect(refusalCode(await res.text())).toBe('INVALID_FIELD');
    });
  });

  describe('when the step form comes without the CSRF token', () => {
    it('is refused with CSRF_REJECTED and changes nothing', async () => {
      const { id } = await openCase(t);
      const before = await apiCase(t, id, oncallToken);
      const res = await oncall.post(`/console/cases/${id}/steps/2`, { done: 'true', note: 'x', _csrf: '' });
      expect(res.status).toBe(403);
      expect(refusalCode(await res.text())).toBe('CSRF_REJECTED');
      expect((await apiCase(t, id, oncallToken)).case.steps).toEqual(before.case.steps);
    });
  });

  describe('when no candidate can be proposed from here', () => {
    it('shows a note instead of the propose button, and refuses a propose post from on-call', async () => {
      const { id } = await openCase(t);
      const html = await (await admin.get(`/console/cases/${id}`)).text();
      expect(html).toContain('Proposing from a candidate is not available in this deployment');
      expect(html).not.toContain(`action="/console/cases/${id}/propose"`);
      const res = await oncall.post(`/console/cases/${id}/propose`, { candidate: 'x', reason: 'because' });
      expect(res.status).toBe(403);
      expect(refusalCode(await res.text())).toBe('FORBIDDEN');
    });
  });

  describe('when on-call resolves the case', () => {
    it('records the outcome, shows it resolved, and refuses a second resolution visibly', async () => {
      const { id } = await openCase(t);
      await oncall.get(`/console/cases/${id}`);
      const bad = await oncall.post(`/console/cases/${id}/resolve`, { outcome: 'maybe' });
      expect(bad.status).toBe(400);
      expect(refusalCode(await bad.text())).toBe('INVALID_FIELD');

      const res = await oncall.post(`/console/cases/${id}/resolve`, {
        outcome: 'rejected',
        note: 'Acme says this is not their CA',
      });
      expect(res.status).toBe(303);
      expect((await apiCase(t, id, oncallToken)).case).toMatchObject({
        state: 'resolved',
        resolution: { outcome: 'rejected', note: 'Acme says this is not their CA', actor: 'pat-oncall' },
      });
      const html = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(html).toContain('The case is resolved.');
      expect(html).toContain('Acme says this is not their CA');
      expect(html).not.toContain(`action="/console/cases/${id}/resolve"`);
      expect(html).not.toContain(`action="/console/cases/${id}/steps/1"`);
      expect(await (await oncall.get('/console/cases?state=resolved')).text()).toContain(
        `href="/console/cases/${id}"`,
      );

      const again = await oncall.post(`/console/cases/${id}/resolve`, { outcome: 'approved' });
      expect(again.status).toBe(409);
      expect(refusalCode(await again.text())).toBe('INVALID_STATE');
      const step = await oncall.post(`/console/cases/${id}/steps/1`, { done: 'true' });
      expect(step.status).toBe(409);
    });
  });

  describe('when the case carries context beyond the stored fields', () => {
    it('shows each field as plain text, escaped', async () => {
      const { id } = await openCase(t);
      const context = {
        fileName: '<script>alert(1)</script>.msi',
        pipelineJobUrl: 'https://ci.example/job/1',
      };
      await t.db
        .update(schema.escalationCases)
        .set({
          data: sql`json_set(${schema.escalationCases.data}, '$.callerContext', json(${JSON.stringify(context)}), '$.vendorHasNoFeed', json('true'))`,
        })
        .where(eq(schema.escalationCases.id, id));
      const html = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(html).toContain('<h2 id="context">Context</h2>');
      expect(html).toContain('<dt>caller context</dt>');
      expect(html).toContain('<dt>vendor has no feed</dt>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.msi');
      expect(html).not.toContain('<script>');
      expect(html).toContain('https://ci.example/job/1');
    });
  });

  describe('when a verifier token is used to sign in', () => {
    it('is refused', async () => {
      const verifier = (await t.createToken('ci-pipeline', 'verifier')).secret;
      await expect(signInToConsole(t.app, verifier)).rejects.toThrow(/403/);
    });
  });
});

describe('console case pages with "propose from the candidate"', () => {
  let t: App;
  let consoleApp: Hono;
  const proposals: Array<{ actor: string; vendorId: string; key: string; reason: string }> = [];
  /** The candidate's key: the SHA-256 of the root that issued the case's top certificate. */
  let rootSha256: string;

  beforeAll(async () => {
    t = await createAdminTestApp();
    const now = () => new Date('2026-06-01T00:00:00Z');
    const random = (bytes: Uint8Array) => crypto.getRandomValues(bytes);
    const tokens = createTokenRepository(t.db);
    const candidates = createCandidateRepository(t.db);
    const trustAdmin = createTrustAdmin({
      trust: t.trust,
      tokens,
      audit: createAuditReader(t.db),
      crls: createCrlRepository(t.db),
      subtle,
      now,
      random,
      cases: t.escalations,
    });
    // The lead's use case is not wired yet: this stand-in proposes the candidate's certificate as it will.
    const proposeCandidate: NonNullable<ConsoleDeps['proposeCandidate']> = async (
      actor,
      vendorId,
      key,
      reason,
    ) => {
      proposals.push({ actor: actor.name, vendorId, key, reason });
      const row = await candidates.get(vendorId, key);
      if (row?.data.kind !== 'certificate') throw new Error('not a certificate candidate');
      return trustAdmin.proposeRoot(actor, vendorId, { pem: row.data.pem, reason });
    };
    consoleApp = new Hono();
    consoleApp.route(
      '/console',
      createConsole({
        trustAdmin,
        escalations: t.escalations,
        feeds: t.feeds,
        auth: createAuthenticator({ subtle, tokens, adminToken: TEST_ADMIN_TOKEN }),
        sessions: createSessionRepository(t.db),
        subtle,
        now,
        random,
        openApiDocument: () => ({}),
        proposeCandidate,
      }),
    );

    // A feed of acme announced the globex root as acme's: a candidate matching the case's unreached root.
    const read = await readCertificate(
      new Uint8Array(
        Buffer.from(GLOBEX_ROOT_PEM.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'),
      ) as Uint8Array<ArrayBuffer>,
      subtle,
    );
    if (!read.ok) throw new Error('the globex root fixture does not read');
    const cert = read.certificate;
    rootSha256 = cert.sha256;
    const provenance = {
      feedId: 'feed_test',
      itemGuid: 'urn:acme:rotation',
      itemLink: 'https://acme.example/advisories/rotation',
      fetchedAt: '2026-05-30T00:00:00.000Z',
      contentHash: 'ab'.repeat(32),
      feedUrl: 'https://acme.example/advisories.xml',
      itemTitle: 'Acme rotates its code signing root',
    };
    await candidates.put({
      vendorId: 'acme',
      key: cert.sha256,
      createdAt: provenance.fetchedAt,
      updatedAt: provenance.fetchedAt,
      data: {
        kind: 'certificate',
        vendorId: 'acme',
        sha256: cert.sha256,
        spkiSha256: cert.spkiSha256,
        sha1: cert.sha1,
        pem: cert.pem,
        subject: cert.subject,
        issuer: cert.issuer,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        selfIssued: cert.selfIssued,
        sameKeyCertificates: [],
        announcedInText: false,
        corroborated: false,
        corroboration: null,
        provenance,
        otherProvenance: [],
      },
    });
  });
  afterAll(() => t.close());

  describe('when an admin proposes the matching candidate', () => {
    it('calls the use case, then the case shows the root already proposed with a link to its approval', async () => {
      const top = await openCase(t);
      const alice = await signInToConsole(consoleApp, t.alice);
      const before = await (await alice.get(`/console/cases/${top.id}`)).text();
      expect(before).toContain('Acme rotates its code signing root');
      expect(before).toContain(`action="/console/cases/${top.id}/propose"`);
      expect(before).toContain(`<option value="${rootSha256}">`);

      const res = await alice.post(`/console/cases/${top.id}/propose`, {
        candidate: rootSha256,
        reason: 'Acme confirmed the fingerprint on the phone',
      });
      expect(res.status).toBe(303);
      expect(proposals).toEqual([
        {
          actor: 'alice',
          vendorId: 'acme',
          key: rootSha256,
          reason: 'Acme confirmed the fingerprint on the phone',
        },
      ]);
      const pending = (await t.trust.listAnchors('acme')).find((a) => a.sha256 === rootSha256);
      expect(pending).toMatchObject({ state: 'pending', proposedBy: 'alice' });

      const html = await (await alice.get(res.headers.get('location') ?? '')).text();
      expect(html).toContain('The candidate was proposed as a root');
      expect(html).toContain(`href="/console/approvals/acme/roots/${rootSha256}"`);
      expect(html).toContain('Acme confirmed the fingerprint on the phone');
      expect(html).not.toContain(`action="/console/cases/${top.id}/propose"`);
    });
  });

  describe('when on-call tries to propose', () => {
    it('sees no button and is refused with FORBIDDEN', async () => {
      const top = await openCase(t);
      const oncallToken = (await t.createToken('night-oncall', 'oncall')).secret;
      const oncall = await signInToConsole(consoleApp, oncallToken);
      const html = await (await oncall.get(`/console/cases/${top.id}`)).text();
      expect(html).toContain('Only an admin may propose a root');
      const count = proposals.length;
      const res = await oncall.post(`/console/cases/${top.id}/propose`, {
        candidate: rootSha256,
        reason: 'let me',
      });
      expect(res.status).toBe(403);
      expect(refusalCode(await res.text())).toBe('FORBIDDEN');
      expect(proposals).toHaveLength(count);
    });
  });

  describe('when the proposal carries no reason', () => {
    it('is refused visibly and proposes nothing', async () => {
      const top = await openCase(t);
      const bob = await signInToConsole(consoleApp, t.bob);
      await bob.get(`/console/cases/${top.id}`);
      const count = proposals.length;
      const res = await bob.post(`/console/cases/${top.id}/propose`, { candidate: rootSha256, reason: '  ' });
      expect(res.status).toBe(400);
      expect(refusalCode(await res.text())).toBe('MISSING_FIELD');
      expect(proposals).toHaveLength(count);
    });
  });

  describe('when a second admin approves the proposed root', () => {
    it('shows the case resolved as approved, with the root active', async () => {
      const top = await openCase(t);
      const approved = await t.call('POST', `/roots/${rootSha256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'fingerprint read back by Acme PSIRT' },
      });
      expect(approved.status).toBe(200);
      const bob = await signInToConsole(consoleApp, t.bob);
      const html = await (await bob.get(`/console/cases/${top.id}`)).text();
      expect(html).toContain('badge state-approved');
      expect(html).toContain(`href="/console/vendors/acme/roots/${rootSha256}"`);
      expect(html).toContain('badge state-active');
      expect(html).not.toContain(`action="/console/cases/${top.id}/resolve"`);
      expect((await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' })).body.verdict).toBe('trusted');
    });
  });
});
