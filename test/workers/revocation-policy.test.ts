import { beforeAll, describe, expect, it } from 'vitest';
import { call, createAdmin, fixtures, reasonCodes, testDatabase, verifyCase } from './helpers';

// A good signature under the acme RSA root that carries no CRL (and none is uploaded).
const NO_CRL = 'rsa2048-sha256-detached-der-trusted';
// A vendor of its own, so that the policy changes here touch no vendor another test file verifies against.
const VENDOR = 'rp-initech';

let alice: string;
let bob: string;
let root: string;
beforeAll(async () => {
  expect((await call('GET', '/health')).status).toBe(200);
  alice = await createAdmin('rp-alice');
  bob = await createAdmin('rp-bob');
  const created = await call('POST', '/vendors', { token: alice, body: { id: VENDOR, name: 'Initech' } });
  expect(created.status).toBe(201);
  const proposed = await call('POST', `/vendors/${VENDOR}/roots`, {
    token: alice,
    body: { pem: fixtures.fixtureRoots.acme?.['acme-root-rsa.pem'], reason: 'signs through the Acme CA' },
  });
  expect(proposed.status).toBe(202);
  root = ((await proposed.json()) as { sha256: string }).sha256;
  const approved = await call('POST', `/roots/${root}/approve?vendor=${VENDOR}`, {
    token: bob,
    body: { reason: 'fingerprint confirmed' },
  });
  expect(approved.status).toBe(200);
});

const verify = () => verifyCase(NO_CRL, { vendor: VENDOR });
const patchPolicy = async (by: string, revocationPolicy: string) => {
  const etag = (await call('GET', `/vendors/${VENDOR}`, { token: by })).headers.get('etag') as string;
  return call('PATCH', `/vendors/${VENDOR}`, {
    token: by,
    headers: { 'if-match': etag },
    body: { revocationPolicy, reason: 'workers test' },
  });
};
const warnings = (body: { warnings?: Array<{ code: string }> }) => (body.warnings ?? []).map((w) => w.code);

describe('the revocation policy per vendor at the edge (D1, migration 0003)', () => {
  describe('when the vendor is best-effort (the default)', () => {
    it('answers trusted with a REVOCATION_UNAVAILABLE warning', async () => {
      const { status, body } = await verify();
      expect(status).toBe(200);
      expect(body).toMatchObject({ verdict: 'trusted', reasons: [], vendor: VENDOR });
      expect(warnings(body)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when one admin sets it to require', () => {
    it('stores it in D1 at once and the signature is rejected with REVOCATION_UNAVAILABLE', async () => {
      expect((await patchPolicy(alice, 'require')).status).toBe(200);
      expect((await testDatabase().trust.getVendor(VENDOR))?.revocationPolicy).toBe('require');
      const { status, body } = await verify();
      expect(status).toBe(200);
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body)).toContain('REVOCATION_UNAVAILABLE');
    });
  });

  describe('when it goes back to best-effort', () => {
    it('waits for a second admin (the D1 batch applies it), then trusts with a warning again', async () => {
      const proposed = await patchPolicy(alice, 'best-effort');
      expect(proposed.status).toBe(202);
      const { id } = (await proposed.json()) as { id: string };
      expect((await verify()).body.verdict).toBe('rejected');

      const own = await call('POST', `/vendors/${VENDOR}/changes/${id}/approve`, {
        token: alice,
        body: { reason: 'self' },
      });
      expect(own.status).toBe(403);
      const approved = await call('POST', `/vendors/${VENDOR}/changes/${id}/approve`, {
        token: bob,
        body: { reason: 'CRL host down, SEC-12' },
      });
      expect(approved.status).toBe(200);

      const { body } = await verify();
      expect(body.verdict).toBe('trusted');
      expect(warnings(body)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when the root is then distrusted for key compromise', () => {
    it('keeps the mark in D1 and rejects the signature with ANCHOR_DISTRUSTED', async () => {
      const res = await call('POST', `/roots/${root}/distrust?vendor=${VENDOR}`, {
        token: alice,
        body: { keyCompromise: true, reason: 'key leaked (workers test)' },
      });
      expect(res.status).toBe(200);
      expect(await testDatabase().trust.getAnchor(VENDOR, root)).toMatchObject({
        state: 'distrusted',
        keyCompromise: true,
      });
      const { body } = await verify();
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body)).toContain('ANCHOR_DISTRUSTED');
      // acme's own copy of the same certificate is untouched.
      expect((await testDatabase().trust.getAnchor('acme', root))?.keyCompromise).toBe(false);
    });
  });
});
