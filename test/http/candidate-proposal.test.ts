import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredCandidate } from '../../src/advisories';
import { createCandidateRepository } from '../../src/db/candidate-repository';
import { cmsFixtureText, derOfPem, sha256Hex, spkiSha256Hex } from '../e2e/rotation-helpers';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));
const AT = '2026-05-20T00:00:00.000Z';

const provenance = {
  feedId: 'feed_acme',
  feedUrl: 'https://acme.example/pki/feed.xml',
  itemGuid: 'https://acme.example/2026/05/15/acme-root-r2/',
  itemTitle: 'Acme Root R2 replaces Acme Root CA RSA',
  itemLink: 'https://acme.example/2026/05/15/acme-root-r2/',
  fetchedAt: AT,
  contentHash: 'c0'.repeat(32),
};

/** A certificate candidate of `vendorId` as a poll stores it, for the R2 root certificate. */
function r2Candidate(vendorId: string): StoredCandidate {
  const der = derOfPem(R2_PEM);
  const x509 = new X509Certificate(der);
  return {
    vendorId,
    key: R2_SHA256,
    data: {
      kind: 'certificate',
      vendorId,
      sha256: R2_SHA256,
      spkiSha256: spkiSha256Hex(der),
      sha1: x509.fingerprint.replaceAll(':', '').toLowerCase(),
      pem: R2_PEM,
      subject: x509.subject.replaceAll('\n', ', '),
      issuer: x509.issuer.replaceAll('\n', ', '),
      notBefore: new Date(x509.validFrom).toISOString(),
      notAfter: new Date(x509.validTo).toISOString(),
      selfIssued: true,
      sameKeyCertificates: [],
      announcedInText: true,
      corroborated: false,
      corroboration: null,
      provenance,
      otherProvenance: [],
    },
    createdAt: AT,
    updatedAt: AT,
  };
}

const FINGERPRINT_KEY = `sha256:${'ab'.repeat(32)}`;
const fingerprintCandidate = (vendorId: string): StoredCandidate => ({
  vendorId,
  key: FINGERPRINT_KEY,
  data: {
    kind: 'fingerprint',
    vendorId,
    algorithm: 'sha256',
    hex: 'ab'.repeat(32),
    form: 'colon',
    context: 'SHA-256 fingerprint of our new root: AB:AB:…',
    corroborated: false,
    provenance,
    otherProvenance: [],
  },
  createdAt: AT,
  updatedAt: AT,
});

describe('POST /candidates/{id}/propose', () => {
  let t: App;
  let oncall: string;
  beforeEach(async () => {
    t = await createAdminTestApp();
    oncall = (await t.createToken('olivia', 'oncall')).secret;
    const candidates = createCandidateRepository(t.db);
    await candidates.put(r2Candidate('acme'));
    await candidates.put(fingerprintCandidate('acme'));
  });
  afterEach(() => t.close());

  const propose = (id: string, token: string, query = '', reason = 'announced by the Acme feed') =>
    t.call('POST', `/candidates/${encodeURIComponent(id)}/propose${query}`, { token, body: { reason } });

  describe('when an admin proposes a certificate candidate', () => {
    it('answers 202 with the pending root and a link to it, and the audit entry names the candidate', async () => {
      const res = await propose(R2_SHA256, t.alice);
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe(`/roots/${R2_SHA256}?vendor=acme`);
      expect(res.headers.get('etag')).toBeTruthy();
      const root = await res.json();
      expect(root).toMatchObject({
        vendor: 'acme',
        sha256: R2_SHA256,
        state: 'pending',
        kind: 'root',
        proposedBy: 'alice',
        approvedBy: null,
        source: 'api',
      });
      // the same shape as the roots routes answer
      const same = await (
        await t.call('GET', res.headers.get('location') as string, { token: t.bob })
      ).json();
      expect(Object.keys(root).every((k) => k in same)).toBe(true);

      const { entries } = await (
        await t.call('GET', '/audit?vendor=acme&limit=1000', { token: t.alice })
      ).json();
      const entry = entries.find((e: { action: string }) => e.action === 'root.propose');
      expect(entry).toMatchObject({
        actor: 'alice',
        targetId: R2_SHA256,
        reason: 'announced by the Acme feed',
        after: {
          state: 'pending',
          proposedFrom: {
            candidate: R2_SHA256,
            vendor: 'acme',
            feedId: 'feed_acme',
            itemGuid: provenance.itemGuid,
            contentHash: provenance.contentHash,
          },
        },
      });

      const { candidates } = await (await t.call('GET', '/candidates?vendor=acme', { token: oncall })).json();
      const listed = candidates.find((c: { id: string }) => c.id === R2_SHA256);
      expect(listed.root).toEqual({ sha256: R2_SHA256, state: 'pending' });
    });

    it('takes the id with colons and upper case, and ?vendor=', async () => {
      const colons = R2_SHA256.toUpperCase().match(/../g)?.join(':') ?? '';
      expect((await propose(colons, t.alice, '?vendor=acme')).status).toBe(202);
    });
  });

  describe('when a second admin approves it', () => {
    it('refuses the proposer and lets another admin make it active', async () => {
      expect((await propose(R2_SHA256, t.alice)).status).toBe(202);
      const self = await problem(
        await t.call('POST', `/roots/${R2_SHA256}/approve?vendor=acme`, {
          token: t.alice,
          body: { reason: 'mine' },
        }),
      );
      expect(self.body.code).toBe('SELF_APPROVAL_FORBIDDEN');
      const approved = await t.call('POST', `/roots/${R2_SHA256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'fingerprint read back by Acme PSIRT' },
      });
      expect(approved.status).toBe(200);
      expect((await approved.json()).state).toBe('active');
    });
  });

  describe('when the candidate cannot be proposed', () => {
    it('refuses a candidate already proposed or active with ROOT_DUPLICATE', async () => {
      expect((await propose(R2_SHA256, t.alice)).status).toBe(202);
      const again = await problem(await propose(R2_SHA256, t.bob));
      expect(again).toMatchObject({
        status: 409,
        contentType: expect.stringContaining('application/problem+json'),
      });
      expect(again.body.code).toBe('ROOT_DUPLICATE');
      expect(again.body.detail).toContain('(pending)');
      await t.call('POST', `/roots/${R2_SHA256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'ok' },
      });
      const active = await problem(await propose(R2_SHA256, t.bob));
      expect(active.body.code).toBe('ROOT_DUPLICATE');
      expect(active.body.detail).toContain('(active)');
    });

    it('refuses a fingerprint hint with CANDIDATE_WITHOUT_CERTIFICATE', async () => {
      const res = await problem(await propose(FINGERPRINT_KEY, t.alice, '?vendor=acme'));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CANDIDATE_WITHOUT_CERTIFICATE');
      expect(res.body.detail).toContain('POST /vendors/acme/roots');
    });

    it('answers 404 for an unknown candidate or vendor', async () => {
      expect((await problem(await propose('cd'.repeat(32), t.alice))).status).toBe(404);
      expect((await problem(await propose(R2_SHA256, t.alice, '?vendor=globex'))).status).toBe(404);
      expect((await problem(await propose(R2_SHA256, t.alice, '?vendor=nobody'))).status).toBe(404);
    });

    it('asks for ?vendor= when two vendors were announced the same certificate', async () => {
      await createCandidateRepository(t.db).put(r2Candidate('globex'));
      const res = await problem(await propose(R2_SHA256, t.alice));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ROOT_AMBIGUOUS');
      expect((await propose(R2_SHA256, t.alice, '?vendor=globex')).status).toBe(202);
    });

    it('refuses an empty reason and a caller without the admin role', async () => {
      expect((await problem(await propose(R2_SHA256, t.alice, '', ''))).status).toBe(400);
      expect((await problem(await propose(R2_SHA256, oncall))).body.code).toBe('FORBIDDEN');
      expect((await problem(await t.call('POST', `/candidates/${R2_SHA256}/propose`))).status).toBe(401);
    });
  });

  describe('when the console calls the service', () => {
    it('proposes through trustAdmin.proposeCandidate as the HTTP route does', async () => {
      const anchor = await t.trustAdmin.proposeCandidate(
        { tokenId: 'tok_alice', name: 'alice', role: 'admin' },
        { id: R2_SHA256, vendor: 'acme' },
        { reason: 'from the console' },
      );
      expect(anchor).toMatchObject({ vendorId: 'acme', sha256: R2_SHA256, state: 'pending' });
    });
  });

  describe('when the OpenAPI document is read', () => {
    it('lists the route with its body and answers', async () => {
      const doc = await (await t.call('GET', '/openapi.json')).json();
      const op = doc.paths['/candidates/{id}/propose'].post;
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['202', '404', '409', '422']));
      expect(doc.components.schemas.Candidate.properties.id).toBeDefined();
    });
  });
});
