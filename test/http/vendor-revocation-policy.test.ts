import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';

// A good signature under an active acme root that carries no CRL; none is uploaded either.
const NO_CRL = 'rsa2048-sha256-detached-der-trusted';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(() => t.close());

const vendor = async (id: string) => {
  const res = await t.call('GET', `/vendors/${id}`, { token: t.alice });
  return { etag: res.headers.get('etag') as string, body: await res.json() };
};
const patch = async (by: string, id: string, body: Record<string, unknown>) =>
  t.call('PATCH', `/vendors/${id}`, { token: by, headers: { 'if-match': (await vendor(id)).etag }, body });
const decide = (by: string, id: string, changeId: string) =>
  t.call('POST', `/vendors/${id}/changes/${changeId}/approve`, { token: by, body: { reason: 'checked' } });
const audit = async (query: string) =>
  (await (await t.call('GET', `/audit?${query}`, { token: t.bob })).json()).entries as Array<{
    action: string;
    actor: string;
    reason: string | null;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }>;
const codes = (list: Array<{ code: string }> | undefined) => (list ?? []).map((r) => r.code);

describe('the revocation policy of a vendor, over HTTP on Node (libSQL)', () => {
  describe('when the vendor has the default policy', () => {
    it('shows best-effort and trusts a signature without revocation information, with a warning', async () => {
      expect((await vendor('acme')).body.revocationPolicy).toBe('best-effort');
      const { body } = await t.verify(NO_CRL);
      expect(body).toMatchObject({ verdict: 'trusted', reasons: [] });
      expect(codes(body.warnings as Array<{ code: string }>)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when one admin moves it to require (narrowing)', () => {
    it('applies it at once, audited, and the same signature is rejected with REVOCATION_UNAVAILABLE', async () => {
      const before = (await vendor('acme')).body;
      const res = await patch(t.alice, 'acme', {
        revocationPolicy: 'require',
        reason: 'PSIRT asks for CRLs',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ revocationPolicy: 'require', version: before.version + 1 });

      const { body } = await t.verify(NO_CRL);
      expect(body.verdict).toBe('rejected');
      expect(codes(body.reasons)).toContain('REVOCATION_UNAVAILABLE');

      const entries = await audit('vendor=acme&actor=alice');
      expect(entries.at(-1)).toMatchObject({
        action: 'vendor.update',
        reason: 'PSIRT asks for CRLs',
        before: { revocationPolicy: 'best-effort' },
        after: { revocationPolicy: 'require' },
      });
    });
  });

  describe('when an admin moves it back to best-effort (widening)', () => {
    let changeId: string;

    it('only proposes it (202, reason required) and the vendor keeps requiring revocation', async () => {
      const noReason = await problem(await patch(t.alice, 'acme', { revocationPolicy: 'best-effort' }));
      expect(noReason).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });

      const res = await patch(t.alice, 'acme', { revocationPolicy: 'best-effort', reason: 'CRL host down' });
      expect(res.status).toBe(202);
      const change = await res.json();
      expect(change).toMatchObject({
        state: 'pending',
        changes: { revocationPolicy: 'best-effort' },
        proposedBy: 'alice',
      });
      changeId = change.id;
      expect((await vendor('acme')).body.revocationPolicy).toBe('require');
      expect((await t.verify(NO_CRL)).body.verdict).toBe('rejected');
    });

    it('refuses approval by the admin who proposed it', async () => {
      const res = await problem(await decide(t.alice, 'acme', changeId));
      expect(res).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
      expect((await vendor('acme')).body.revocationPolicy).toBe('require');
    });

    it('applies it when a second admin approves, audited with both names', async () => {
      const res = await decide(t.bob, 'acme', changeId);
      expect(res.status).toBe(200);
      expect((await res.json()).vendor.revocationPolicy).toBe('best-effort');

      const { body } = await t.verify(NO_CRL);
      expect(body.verdict).toBe('trusted');
      expect(codes(body.warnings as Array<{ code: string }>)).toEqual(['REVOCATION_UNAVAILABLE']);

      const entries = await audit('vendor=acme');
      expect(entries.find((e) => e.action === 'vendor.change.propose')).toMatchObject({ actor: 'alice' });
      expect(entries.find((e) => e.action === 'vendor.change.approve')).toMatchObject({
        actor: 'bob',
        before: { revocationPolicy: 'require' },
        after: { revocationPolicy: 'best-effort', change: changeId, proposedBy: 'alice' },
      });
    });
  });

  describe('when a vendor is created with require', () => {
    it('has it at once (the default would be the wider policy)', async () => {
      const res = await t.call('POST', '/vendors', {
        token: t.alice,
        body: { id: 'initech', name: 'Initech', revocationPolicy: 'require' },
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ id: 'initech', revocationPolicy: 'require' });
    });
  });

  describe('when the policy is not one of the two', () => {
    it('refuses the patch with 400', async () => {
      const res = await problem(await patch(t.alice, 'acme', { revocationPolicy: 'off', reason: 'x' }));
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
    });
  });

  describe('when a client reads the OpenAPI document', () => {
    it('finds revocationPolicy on vendors and keyCompromise on roots and distrust bodies', async () => {
      const doc = await (await t.call('GET', '/openapi.json')).json();
      const schemas = doc.components.schemas;
      expect(schemas.Vendor.properties.revocationPolicy.enum).toEqual(['best-effort', 'require']);
      expect(schemas.PatchVendor.properties.revocationPolicy).toBeDefined();
      expect(schemas.VendorChange.properties.changes.properties.revocationPolicy).toBeDefined();
      expect(schemas.Root.properties.keyCompromise.type).toBe('boolean');
      expect(schemas.DistrustRoot.properties.keyCompromise.type).toBe('boolean');
      expect(schemas.DistrustRoot.required ?? []).not.toContain('after');
    });
  });
});
