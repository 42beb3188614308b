import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCertificate } from '../../src/advisories';
import { createCandidateRepository } from '../../src/db/candidate-repository';
import { colonHex } from '../../src/escalation';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { signUnderMintedRoot } from '../helpers/mint-unknown-root';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

/** globex's chain checked as vendor acme: a clean chain that ends at a root acme does not have. */
const UNKNOWN_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';
const GLOBEX_ROOT_PEM = fixturePem('trust-store/globex/globex-root-p384.pem');
const subtle = globalThis.crypto.subtle;
const ARTIFACT = new TextEncoder().encode('a package nobody vouches for\n');

/** Text as Hono's JSX writes it into the page. */
const html = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

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

/** POST /verify (JSON) of a package under a brand-new root no vendor has, with extra body fields. */
async function verifyMinted(t: App, label: string, extra: Record<string, unknown> = {}) {
  const { signature } = await signUnderMintedRoot(ARTIFACT, label);
  const res = await t.call('POST', '/verify', {
    body: {
      vendor: 'acme',
      artifact: Buffer.from(ARTIFACT).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
      ...extra,
    },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { verdict: string; escalation: { id: string } };
  expect(body.verdict).toBe('unknown_root');
  return body.escalation.id;
}

const apiCase = async (t: App, id: string, token: string) =>
  (await (await t.call('GET', `/escalations/${id}`, { token })).json()) as {
    case: {
      state: string;
      steps: Array<{ n: number; done: boolean; note: string; actor: string }>;
      resolution: { outcome: string; note: string; actor: string } | null;
    };
    checklist: Array<{ n: number; title: string; detail: string; text: string; done: boolean }>;
  };

/** The code of a refusal page. */
const refusalCode = (html: string) => /<strong><code>([A-Z_]+)<\/code><\/strong>/.exec(html)?.[1];

describe('console case pages', () => {
  let t: App;
  let oncallToken: string;
  let oncall: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    await giveAcmeContacts(t);
    oncallToken = (await t.createToken('pat-oncall', 'oncall')).secret;
    oncall = await signInToConsole(t.app, oncallToken);
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

  describe('when the checklist step details hold Markdown escapes', () => {
    it('shows them as plain text without the backslashes, and keeps the Markdown download as it is', async () => {
      const { id } = await openCase(t);
      const { checklist } = await apiCase(t, id, oncallToken);
      const escaped = checklist.filter((s) => /\\[!-/:-@[-`{-~]/.test(s.detail));
      expect(escaped.length).toBeGreaterThan(0);
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      for (const step of checklist) {
        expect(step.text).not.toMatch(/\\[=_-]/);
        if (step.text !== '') expect(page).toContain(html(step.text));
      }
      // the subject as the certificate has it, not as Markdown escapes it
      const { case: c } = (await (
        await t.call('GET', `/escalations/${id}`, { token: oncallToken })
      ).json()) as {
        case: { top: { issuer: string } };
      };
      expect(checklist.some((s) => s.detail.includes(c.top.issuer))).toBe(false);
      expect(page).toContain(html(c.top.issuer));
      const md = await (await oncall.get(`/console/cases/${id}/checklist.md`)).text();
      for (const step of escaped) expect(md).toContain(step.detail.split('\n')[0]);
    });
  });

  describe("when the chain reaches another vendor's active root", () => {
    it('says the caller probably named the wrong vendor, links that root, and puts the contacts after the checklist', async () => {
      const { id } = await openCase(t);
      const globex = await t.trust.getVendor('globex');
      const root = (await t.trust.listAnchors('globex')).find((a) => a.sha256 === ROOTS.globexP384);
      if (!globex || !root) throw new Error('no globex root');
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      const said = page.indexOf(html(`This chain reaches ${globex.name}'s active root`));
      expect(said).toBeGreaterThan(0);
      expect(page).toContain(
        `<a href="/console/vendors/globex/roots/${ROOTS.globexP384}">${html(root.subject)}</a>`,
      );
      expect(page).toContain('the caller probably named the wrong vendor');
      expect(page).toContain('<h2 id="wrong-vendor">First, check the vendor with the caller</h2>');
      // this vendor's PSIRT is not the first thing to do: it comes after the question and the checklist
      const contacts = page.indexOf('Acme PSIRT');
      expect(contacts).toBeGreaterThan(said);
      expect(contacts).toBeGreaterThan(page.indexOf('<h2 id="checklist">'));
    });

    it('says nothing of the kind for a root no vendor has, and shows the contacts before the checklist', async () => {
      const id = await verifyMinted(t, 'Nobody');
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(page).not.toContain('wrong vendor');
      expect(page).not.toContain('id="wrong-vendor"');
      expect(page.indexOf('Acme PSIRT')).toBeGreaterThan(0);
      expect(page.indexOf('Acme PSIRT')).toBeLessThan(page.indexOf('<h2 id="checklist">'));
    });
  });

  describe('when the vendor has no advisory feed on file', () => {
    it('says so with a link to its feeds, instead of "no advisory matches"', async () => {
      const { id } = await openCase(t);
      const acme = await t.trust.getVendor('acme');
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(page).toContain(html(`${acme?.name} has no advisory feed on file`));
      expect(page).toContain('href="/console/feeds?vendor=acme"');
      expect(page).not.toContain('No candidate from');
    });
  });

  describe("when the caller sent the file name and the pipeline job's URL", () => {
    it('shows both as text, the job URL as a link that opens no window on this page', async () => {
      const fileName = 'widget_1.4 [beta] & (final) #2.msi';
      const jobUrl = 'https://ci.example/acme/widget/-/jobs/42?ref=main&x="1"';
      const id = await verifyMinted(t, 'Caller', { fileName, jobUrl });
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(page).toContain('<h2 id="caller">What the caller sent</h2>');
      expect(page).toContain(`<code>${html(fileName)}</code>`);
      expect(page).toContain(`<a href="${html(jobUrl)}" rel="noopener noreferrer">${html(jobUrl)}</a>`);
      expect(page).toContain('<time datetime="2026-06-01T00:00:00.000Z">');
      // shown where it belongs, not again among the generic context fields
      expect(page).not.toContain('<dt>caller</dt>');
    });

    it('shows nothing of the caller when none was sent', async () => {
      const id = await verifyMinted(t, 'Silent');
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(page).not.toContain('id="caller"');
    });
  });

  describe('when a verifier token is used to sign in', () => {
    it('is refused', async () => {
      const verifier = (await t.createToken('ci-pipeline', 'verifier')).secret;
      await expect(signInToConsole(t.app, verifier)).rejects.toThrow(/403/);
    });
  });
});

describe('console case pages: resolving and the rejection on file', () => {
  let t: App;
  let oncallToken: string;
  let oncall: ConsoleClient;
  let now: Date;
  const tick = () => {
    now = new Date(now.getTime() + 60_000);
  };
  beforeEach(async () => {
    now = new Date('2026-06-01T00:00:00Z');
    t = await createAdminTestApp({ clock: () => now });
    oncallToken = (await t.createToken('pat-oncall', 'oncall')).secret;
    oncall = await signInToConsole(t.app, oncallToken);
  });
  afterEach(() => t.close());

  describe('when on-call resolves the case as rejected', () => {
    it('records the outcome, shows the remembered rejection, and refuses a second resolution visibly', async () => {
      const { id } = await openCase(t);
      await oncall.get(`/console/cases/${id}`);
      const bad = await oncall.post(`/console/cases/${id}/resolve`, { outcome: 'maybe' });
      expect(bad.status).toBe(400);
      expect(refusalCode(await bad.text())).toBe('INVALID_FIELD');
      expect(await (await oncall.get(`/console/cases/${id}`)).text()).not.toContain('id="rejection"');

      tick();
      const res = await oncall.post(`/console/cases/${id}/resolve`, {
        outcome: 'rejected',
        note: 'Acme says this is not their CA',
      });
      expect(res.status).toBe(303);
      expect((await apiCase(t, id, oncallToken)).case).toMatchObject({
        state: 'resolved',
        resolution: { outcome: 'rejected', note: 'Acme says this is not their CA', actor: 'pat-oncall' },
      });
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(page).toContain('The case is resolved.');
      expect(page).toContain('<h2 id="rejection">Rejection on file</h2>');
      expect(page).toContain('is refused at once (ESCALATION_REJECTED) with a pointer to case');
      expect(page).toContain(`<dd><a href="/console/cases/${id}">${id}</a></dd>`);
      expect(page).toContain('<dt>Rejected by</dt><dd>pat-oncall</dd>');
      expect(page).toContain('<time datetime="2026-06-01T00:01:00.000Z">');
      expect(page).toContain('Acme says this is not their CA');
      expect(page).not.toContain(`action="/console/cases/${id}/resolve"`);
      expect(page).not.toContain(`action="/console/cases/${id}/steps/1"`);
      expect(await (await oncall.get('/console/cases?state=resolved')).text()).toContain(
        `href="/console/cases/${id}"`,
      );
      // what the page says is what /verify does
      const again = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      expect(again.body.reasons[0]?.code).toBe('ESCALATION_REJECTED');

      const twice = await oncall.post(`/console/cases/${id}/resolve`, { outcome: 'approved' });
      expect(twice.status).toBe(409);
      expect(refusalCode(await twice.text())).toBe('INVALID_STATE');
      const step = await oncall.post(`/console/cases/${id}/steps/1`, { done: 'true' });
      expect(step.status).toBe(409);
    });
  });

  describe('when the admins decided about the root after the rejection, and a new case opened', () => {
    it('points the new case at the earlier rejection, no longer in force', async () => {
      const { id: rejectedId } = await openCase(t);
      tick();
      await oncall.get(`/console/cases/${rejectedId}`);
      await oncall.post(`/console/cases/${rejectedId}/resolve`, { outcome: 'rejected', note: 'not yet' });
      tick();
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: GLOBEX_ROOT_PEM, reason: 'acme signs with the globex CA after all' },
      });
      expect(proposed.status).toBe(202);
      tick();
      await t.call('POST', `/roots/${ROOTS.globexP384}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'confirmed' },
      });
      tick();
      await t.call('POST', `/roots/${ROOTS.globexP384}/retire?vendor=acme`, {
        token: t.alice,
        body: { reason: 'acme no longer signs with it' },
      });
      tick();
      const { id } = await openCase(t);
      expect(id).not.toBe(rejectedId);
      const page = await (await oncall.get(`/console/cases/${id}`)).text();
      expect(page).toContain(
        `On-call rejected this root in an earlier case, <a href="/console/cases/${rejectedId}">`,
      );
      expect(page).toContain('The admins decided about this root since');
      expect(page).toContain('not yet');
      expect(page).not.toContain('is refused at once');
    });
  });
});

describe('console case pages: propose from the candidate', () => {
  let t: App;
  let oncall: ConsoleClient;
  let alice: ConsoleClient;
  let top: { id: string; sha256: string; spkiSha256: string };
  /** The candidate's key: the SHA-256 of the root that issued the case's top certificate. */
  let rootSha256: string;
  /** A fingerprint hint in an advisory's text that names the unreached certificate. */
  let hintKey: string;

  beforeAll(async () => {
    t = await createAdminTestApp();
    oncall = await signInToConsole(t.app, (await t.createToken('night-oncall', 'oncall')).secret);
    alice = await signInToConsole(t.app, t.alice);
    top = await openCase(t);

    // A feed of acme announced the globex root as acme's (a candidate matching the case's unreached root),
    // and another item gave only the fingerprint of the unreached certificate.
    const read = await readCertificate(
      new Uint8Array(
        Buffer.from(GLOBEX_ROOT_PEM.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'),
      ) as Uint8Array<ArrayBuffer>,
      subtle,
    );
    if (!read.ok) throw new Error('the globex root fixture does not read');
    const cert = read.certificate;
    rootSha256 = cert.sha256;
    hintKey = `sha256:${top.sha256}`;
    const provenance = {
      feedId: 'feed_test',
      itemGuid: 'urn:acme:rotation',
      itemLink: 'https://acme.example/advisories/rotation',
      fetchedAt: '2026-05-30T00:00:00.000Z',
      contentHash: 'ab'.repeat(32),
      feedUrl: 'https://acme.example/advisories.xml',
      itemTitle: 'Acme rotates its code signing root',
    };
    const candidates = createCandidateRepository(t.db);
    const at = provenance.fetchedAt;
    await candidates.put({
      vendorId: 'acme',
      key: cert.sha256,
      createdAt: at,
      updatedAt: at,
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
    await candidates.put({
      vendorId: 'acme',
      key: hintKey,
      createdAt: at,
      updatedAt: at,
      data: {
        kind: 'fingerprint',
        vendorId: 'acme',
        algorithm: 'sha256',
        hex: top.sha256,
        form: 'colon',
        context: `SHA-256 fingerprint of our intermediate: ${colonHex(top.sha256)}`,
        corroborated: false,
        provenance: { ...provenance, itemGuid: 'urn:acme:hint', itemTitle: 'Acme intermediate fingerprint' },
        otherProvenance: [],
      },
    });
  });
  afterAll(() => t.close());

  const acmeAnchors = async () => (await t.trust.listAnchors('acme')).map((a) => a.sha256).sort();

  describe('when on-call tries to propose', () => {
    it('sees no button and is refused with FORBIDDEN, the store unchanged', async () => {
      const page = await (await oncall.get(`/console/cases/${top.id}`)).text();
      expect(page).toContain('Only an admin may propose a root');
      expect(page).not.toContain(`action="/console/cases/${top.id}/propose"`);
      const before = await acmeAnchors();
      const res = await oncall.post(`/console/cases/${top.id}/propose`, {
        candidate: rootSha256,
        reason: 'let me',
      });
      expect(res.status).toBe(403);
      expect(refusalCode(await res.text())).toBe('FORBIDDEN');
      expect(await acmeAnchors()).toEqual(before);
    });
  });

  describe('when the proposal carries no reason', () => {
    it('is refused visibly and proposes nothing', async () => {
      await alice.get(`/console/cases/${top.id}`);
      const before = await acmeAnchors();
      const res = await alice.post(`/console/cases/${top.id}/propose`, {
        candidate: rootSha256,
        reason: '  ',
      });
      expect(res.status).toBe(400);
      expect(refusalCode(await res.text())).toBe('MISSING_FIELD');
      expect(await acmeAnchors()).toEqual(before);
    });
  });

  describe('when the chosen candidate is only a fingerprint in the text', () => {
    it('is not offered, and a post of it is refused by the use case with CANDIDATE_WITHOUT_CERTIFICATE', async () => {
      const page = await (await alice.get(`/console/cases/${top.id}`)).text();
      expect(page).toContain('Acme intermediate fingerprint');
      expect(page).not.toContain(`<option value="${hintKey}">`);
      const before = await acmeAnchors();
      const res = await alice.post(`/console/cases/${top.id}/propose`, {
        candidate: hintKey,
        reason: 'the fingerprint matches',
      });
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(refusalCode(text)).toBe('CANDIDATE_WITHOUT_CERTIFICATE');
      expect(text).toContain('not a certificate');
      expect(await acmeAnchors()).toEqual(before);
    });
  });

  describe('when an admin proposes the matching candidate', () => {
    it('puts the root on file as pending with the candidate as provenance, and the case shows it with its approval link', async () => {
      const before = await (await alice.get(`/console/cases/${top.id}`)).text();
      expect(before).toContain('Acme rotates its code signing root');
      expect(before).toContain(`action="/console/cases/${top.id}/propose"`);
      expect(before).toContain(`<option value="${rootSha256}">`);

      const res = await alice.post(`/console/cases/${top.id}/propose`, {
        candidate: rootSha256,
        reason: 'Acme confirmed the fingerprint on the phone',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/console/cases/${top.id}?done=proposed#proposed`);
      const pending = (await t.trust.listAnchors('acme')).find((a) => a.sha256 === rootSha256);
      expect(pending).toMatchObject({ state: 'pending', proposedBy: 'alice' });
      const { entries } = (await (
        await t.call('GET', '/audit?vendor=acme&limit=1000', { token: t.alice })
      ).json()) as { entries: Array<{ action: string; targetId: string; after: unknown; reason: string }> };
      expect(entries.find((e) => e.action === 'root.propose' && e.targetId === rootSha256)).toMatchObject({
        reason: 'Acme confirmed the fingerprint on the phone',
        after: {
          state: 'pending',
          proposedFrom: { candidate: rootSha256, vendor: 'acme', itemGuid: 'urn:acme:rotation' },
        },
      });

      const page = await (await alice.get(res.headers.get('location') ?? '')).text();
      expect(page).toContain('The candidate was proposed as a root');
      expect(page).toContain('<h2 id="proposed">Root already proposed</h2>');
      expect(page).toContain(`href="/console/approvals/acme/roots/${rootSha256}"`);
      expect(page).toContain('Acme confirmed the fingerprint on the phone');
      expect(page).toContain('A root for this key waits for approval');
      expect(page).not.toContain(`action="/console/cases/${top.id}/propose"`);
    });
  });

  describe('when the candidate is proposed a second time (from a stale page)', () => {
    it('is refused by the use case with ROOT_DUPLICATE, the store unchanged', async () => {
      const before = await acmeAnchors();
      const res = await alice.post(`/console/cases/${top.id}/propose`, {
        candidate: rootSha256,
        reason: 'once more',
      });
      expect(res.status).toBe(409);
      expect(refusalCode(await res.text())).toBe('ROOT_DUPLICATE');
      expect(await acmeAnchors()).toEqual(before);
    });
  });

  describe('when a second admin approves the proposed root', () => {
    it('shows the case resolved as approved, with the root active, and the next /verify is trusted', async () => {
      const approved = await t.call('POST', `/roots/${rootSha256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'fingerprint read back by Acme PSIRT' },
      });
      expect(approved.status).toBe(200);
      const bob = await signInToConsole(t.app, t.bob);
      const page = await (await bob.get(`/console/cases/${top.id}`)).text();
      expect(page).toContain('badge state-approved');
      expect(page).toContain(`href="/console/vendors/acme/roots/${rootSha256}"`);
      expect(page).toContain('badge state-active');
      expect(page).not.toContain(`action="/console/cases/${top.id}/resolve"`);
      expect((await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' })).body.verdict).toBe('trusted');
    });
  });
});

describe('console case pages: a vendor with a feed on file', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp({ allowPrivateFeeds: true });
  });
  afterAll(() => t.close());

  describe('when no candidate of its feeds matches', () => {
    it('says no candidate matches, not that the vendor has no feed', async () => {
      const subscribed = await t.call('POST', '/vendors/acme/feeds', {
        token: t.alice,
        body: { url: 'http://127.0.0.1:9/feed.xml', reason: 'Acme PKI news' },
      });
      expect(subscribed.status).toBe(201);
      const { id } = await openCase(t);
      const admin = await signInToConsole(t.app, t.alice);
      const page = await (await admin.get(`/console/cases/${id}`)).text();
      expect(page).toContain('No candidate from');
      expect(page).not.toContain('has no advisory feed on file');
    });
  });
});
