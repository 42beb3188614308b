import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(() => t.close());

const RSA = 'rsa2048-sha256-detached-der-trusted';
const attacker = [{ name: 'Acme PSIRT', channel: 'email', value: 'psirt@acme-support.example' }];

const etagOf = async (vendor: string) =>
  (await t.call('GET', `/vendors/${vendor}`, { token: t.alice })).headers.get('etag') as string;
const vendor = async (id: string) => (await t.call('GET', `/vendors/${id}`, { token: t.alice })).json();

async function propose(by: string, id: string, body: Record<string, unknown>) {
  return t.call('PATCH', `/vendors/${id}`, { token: by, headers: { 'if-match': await etagOf(id) }, body });
}

const decide = (by: string, id: string, changeId: string, action: 'approve' | 'withdraw', reason = 'ok') =>
  t.call('POST', `/vendors/${id}/changes/${changeId}/${action}`, { token: by, body: { reason } });

describe('changes to vendor contacts and identity rules', () => {
  describe('when one admin changes the escalation contacts', () => {
    it('answers 202 with a pending change and leaves the contact on file as it was', async () => {
      const before = await vendor('acme');
      const res = await propose(t.alice, 'acme', { contacts: attacker, reason: 'new PSIRT address' });
      expect(res.status).toBe(202);
      const change = await res.json();
      expect(res.headers.get('location')).toBe(`/vendors/acme/changes/${change.id}`);
      expect(change).toMatchObject({
        vendor: 'acme',
        state: 'pending',
        baseVersion: before.version,
        changes: { contacts: attacker },
        proposedBy: 'alice',
        decidedBy: null,
      });
      expect(await vendor('acme')).toEqual(before);
      const listed = await (await t.call('GET', '/vendors/acme/changes', { token: t.bob })).json();
      expect(listed.changes.map((c: { id: string }) => c.id)).toContain(change.id);
    });

    it('refuses approval by the proposer with 403 SELF_APPROVAL_FORBIDDEN', async () => {
      const { changes } = await (await t.call('GET', '/vendors/acme/changes', { token: t.bob })).json();
      const pending = changes.find((c: { state: string }) => c.state === 'pending');
      const res = await problem(await decide(t.alice, 'acme', pending.id, 'approve'));
      expect(res).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
      expect((await vendor('acme')).contacts).not.toEqual(attacker);
    });

    it('applies it when a second admin approves, once, and audits who proposed and who approved', async () => {
      const { changes } = await (await t.call('GET', '/vendors/acme/changes', { token: t.bob })).json();
      const pending = changes.find((c: { state: string }) => c.state === 'pending');
      const before = await vendor('acme');
      const res = await decide(t.bob, 'acme', pending.id, 'approve', 'called Acme on file, confirmed');
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(`"v${before.version + 1}"`);
      const body = await res.json();
      expect(body.vendor).toMatchObject({ contacts: attacker, version: before.version + 1 });
      expect(body.change).toMatchObject({ state: 'approved', decidedBy: 'bob' });
      expect((await vendor('acme')).contacts).toEqual(attacker);

      const again = await problem(await decide(t.bob, 'acme', pending.id, 'approve'));
      expect(again).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });

      const audit = await (await t.call('GET', '/audit?vendor=acme', { token: t.bob })).json();
      const actions = audit.entries.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`);
      expect(actions).toEqual(
        expect.arrayContaining(['vendor.change.propose:alice', 'vendor.change.approve:bob']),
      );
      const approval = audit.entries.find((e: { action: string }) => e.action === 'vendor.change.approve');
      expect(approval).toMatchObject({
        reason: 'called Acme on file, confirmed',
        before: { contacts: before.contacts },
        after: { contacts: attacker, change: pending.id, proposedBy: 'alice' },
      });
    });
  });

  describe('when one admin loosens the signer identity rules', () => {
    it('keeps rejecting signers under the old rules until a second admin approves', async () => {
      const strict = await propose(t.alice, 'acme', {
        identityRules: [{ field: 'subject.O', equals: 'Someone Else' }],
        reason: 'only Someone Else may sign',
      });
      expect((await decide(t.bob, 'acme', (await strict.json()).id, 'approve')).status).toBe(200);
      expect((await t.verify(RSA)).body.verdict).toBe('rejected');

      const loosen = await propose(t.alice, 'acme', { identityRules: [], reason: 'drop the rule' });
      expect(loosen.status).toBe(202);
      expect((await t.verify(RSA)).body.verdict).toBe('rejected');

      expect((await decide(t.bob, 'acme', (await loosen.json()).id, 'approve')).status).toBe(200);
      expect((await t.verify(RSA)).body.verdict).toBe('trusted');
    });
  });

  describe('when the vendor changes between the proposal and the approval', () => {
    it('refuses the approval with 409 so nobody approves a diff they were not shown; it can be withdrawn', async () => {
      const res = await propose(t.alice, 'globex', {
        contacts: [{ name: 'Globex', channel: 'email', value: 'sec@globex.example' }],
        reason: 'contact update',
      });
      const change = await res.json();
      const renamed = await propose(t.bob, 'globex', { name: 'Globex Corporation', reason: 'legal name' });
      expect(renamed.status).toBe(200);

      const approval = await problem(await decide(t.bob, 'globex', change.id, 'approve'));
      expect(approval).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
      expect(approval.body.detail).toContain('changed since');

      const withdrawn = await decide(t.alice, 'globex', change.id, 'withdraw', 'stale');
      expect(withdrawn.status).toBe(200);
      expect(await withdrawn.json()).toMatchObject({ state: 'withdrawn', decidedBy: 'alice' });
      const late = await problem(await decide(t.bob, 'globex', change.id, 'approve'));
      expect(late).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
      expect((await vendor('globex')).contacts).not.toContainEqual({
        name: 'Globex',
        channel: 'email',
        value: 'sec@globex.example',
      });
    });
  });

  describe('when the proposer approves with a second token they minted', () => {
    it('refuses with 403 SELF_APPROVAL_FORBIDDEN', async () => {
      const minted = await t.call('POST', '/admin/tokens', {
        token: t.alice,
        body: { name: 'alice-phone', role: 'admin', reason: 'test' },
      });
      const phone = ((await minted.json()) as { token: string }).token;
      const res = await propose(t.alice, 'globex', { contacts: attacker, reason: 'x' });
      const change = await res.json();
      const approval = await problem(await decide(phone, 'globex', change.id, 'approve'));
      expect(approval).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
    });
  });

  describe('when a vendor is created with contacts', () => {
    it('is created without them; they apply once a second admin approves the proposal', async () => {
      const created = await t.call('POST', '/vendors', {
        token: t.alice,
        body: { id: 'umbrella', name: 'Umbrella', contacts: attacker, reason: 'onboarding' },
      });
      expect(created.status).toBe(201);
      const body = await created.json();
      expect(body.contacts).toEqual([]);
      expect((await decide(t.alice, 'umbrella', body.pendingChange.id, 'approve')).status).toBe(403);
      expect((await decide(t.bob, 'umbrella', body.pendingChange.id, 'approve')).status).toBe(200);
      expect((await vendor('umbrella')).contacts).toEqual(attacker);
    });
  });

  describe('when a change of contacts comes without a reason', () => {
    it('refuses it with 400 INVALID_FIELD', async () => {
      const res = await problem(await propose(t.alice, 'globex', { contacts: attacker }));
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
    });
  });

  describe('when an on-call engineer acts on a change', () => {
    it('may read changes but not approve or withdraw them (403)', async () => {
      const oncall = (await t.createToken('olga', 'oncall')).secret;
      const { changes } = await (await t.call('GET', '/vendors/globex/changes', { token: oncall })).json();
      const pending = changes.find((c: { state: string }) => c.state === 'pending');
      expect(pending).toBeDefined();
      expect((await decide(oncall, 'globex', pending.id, 'approve')).status).toBe(403);
      expect((await decide(oncall, 'globex', pending.id, 'withdraw')).status).toBe(403);
      const one = await (
        await t.call('GET', `/vendors/globex/changes/${pending.id}`, { token: oncall })
      ).json();
      expect(one).toMatchObject({ id: pending.id, current: { id: 'globex' } });
    });
  });

  describe('when a change names an unknown vendor or change', () => {
    it('answers 404', async () => {
      expect((await decide(t.bob, 'nobody', 'chg_1', 'approve')).status).toBe(404);
      expect((await decide(t.bob, 'acme', 'chg_nope', 'approve')).status).toBe(404);
    });
  });
});
