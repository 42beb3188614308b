import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminTestApp } from '../trust/helpers/admin-client';

// The fixture signers: subject C=US, O=Acme Corp, CN=Acme Widget Release Signing (no subjectAltName).
const RSA = 'rsa2048-sha256-detached-der-trusted';
const PEM = 'rsa2048-sha256-detached-pem-trusted';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(() => t.close());

/** Rules take two admins: alice proposes, bob approves. */
async function setRules(identityRules: unknown[]) {
  const etag = (await t.call('GET', '/vendors/acme', { token: t.alice })).headers.get('etag') as string;
  const proposed = await t.call('PATCH', '/vendors/acme', {
    token: t.alice,
    headers: { 'if-match': etag },
    body: { identityRules, reason: 'signer identity policy' },
  });
  if (proposed.status === 200) return; // the same rules as now: nothing to approve
  expect(proposed.status).toBe(202);
  const change = await proposed.json();
  const approved = await t.call('POST', `/vendors/acme/changes/${change.id}/approve`, {
    token: t.bob,
    body: { reason: 'reviewed' },
  });
  expect(approved.status).toBe(200);
}

const codes = (body: { reasons: Array<{ code: string }> }) => body.reasons.map((r) => r.code);

describe('signer identity rules on /verify', () => {
  describe('when the signer meets every rule', () => {
    it('stays trusted', async () => {
      await setRules([
        { field: 'subject.O', equals: 'Acme Corp' },
        { field: 'subject.CN', pattern: 'Acme * Signing' },
      ]);
      expect((await t.verify(RSA)).body.verdict).toBe('trusted');
      expect((await t.verify(PEM)).body.verdict).toBe('trusted');
    });
  });

  describe('when the signer breaks a rule', () => {
    it('is rejected with SIGNER_IDENTITY_MISMATCH naming the rule', async () => {
      await setRules([{ field: 'subject.O', equals: 'Acme Inc' }]);
      const { body } = await t.verify(RSA);
      expect(body.verdict).toBe('rejected');
      expect(codes(body)).toEqual(['SIGNER_IDENTITY_MISMATCH']);
      expect(body.reasons[0]?.message).toContain("subject.O equals 'Acme Inc'");
      expect(body.reasons[0]?.message).toContain("'Acme Corp'");
      expect(body.anchor).not.toBeNull();
    });

    it('treats patterns as anchored: a prefix is not a match', async () => {
      await setRules([{ field: 'subject.CN', pattern: 'Acme Widget' }]);
      expect(codes((await t.verify(RSA)).body)).toEqual(['SIGNER_IDENTITY_MISMATCH']);
      await setRules([{ field: 'subject.CN', pattern: 'Widget*' }]);
      expect((await t.verify(RSA)).body.verdict).toBe('rejected');
    });

    it('compares exactly: case matters', async () => {
      await setRules([{ field: 'subject.O', equals: 'acme corp' }]);
      expect((await t.verify(RSA)).body.verdict).toBe('rejected');
    });

    it('fails a rule on a field the signer does not have', async () => {
      await setRules([{ field: 'san.email', pattern: '*@acme.example' }]);
      const { body } = await t.verify(RSA);
      expect(body.verdict).toBe('rejected');
      expect(body.reasons[0]?.message).toContain('no san.email');
    });
  });

  describe('when the vendor has no rules', () => {
    it('leaves the verdict alone, and other vendors are unaffected by acme rules', async () => {
      await setRules([{ field: 'subject.O', equals: 'Acme Inc' }]);
      expect((await t.verify('ecdsa-p384-sha384-globex-trusted')).body.verdict).toBe('trusted');
      await setRules([]);
      expect((await t.verify(RSA)).body.verdict).toBe('trusted');
    });
  });

  describe('when the chain does not reach a root of the vendor', () => {
    it('stays unknown_root (rules apply only to chains that reach a root)', async () => {
      await setRules([{ field: 'subject.O', equals: 'Acme Corp' }]);
      const { body } = await t.verify('globex-chain-checked-against-acme-unknown-root', { vendor: 'acme' });
      expect(body.verdict).toBe('unknown_root');
      expect(codes(body)).not.toContain('SIGNER_IDENTITY_MISMATCH');
      await setRules([]);
    });
  });
});
