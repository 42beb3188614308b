import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const GLOBEX_ROOT = 'trust-store/globex/globex-root-p384.pem';
const APPROVAL = `/console/approvals/acme/roots/${ROOTS.globexP384}`;
const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

/** The stored root and the number of audit entries: what a refused request must leave as it was. */
async function store(t: App) {
  const root = await (
    await t.call('GET', `/roots/${ROOTS.globexP384}?vendor=acme`, { token: t.alice })
  ).json();
  const audit = await (await t.call('GET', '/audit?limit=1000', { token: t.alice })).json();
  return {
    state: root.state as string,
    version: root.version as number,
    audit: audit.entries.length as number,
  };
}

describe('console: approvals', () => {
  let t: App;
  let alice: ConsoleClient;
  let bob: ConsoleClient;
  let olive: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    alice = await signInToConsole(t.app, t.alice);
    bob = await signInToConsole(t.app, t.bob);
    olive = await signInToConsole(t.app, (await t.createToken('olive', 'oncall')).secret);
    const proposed = await alice.post('/console/vendors/acme/propose', {
      action: 'submit',
      kind: 'root',
      pem: fixturePem(GLOBEX_ROOT),
      reason: 'acme ships via globex CA, ticket SEC-7',
    });
    if (proposed.status !== 303) throw new Error(`proposal failed: ${proposed.status}`);
  });
  afterAll(() => t.close());

  describe('when anything waits for a second admin', () => {
    it('lists it with who proposed it, when and why', async () => {
      const html = await (await bob.get('/console/approvals')).text();
      expect(html).toContain(APPROVAL);
      expect(html).toContain('alice');
      expect(html).toContain('acme ships via globex CA, ticket SEC-7');
    });

    it('shows exactly what changes: pending and anchoring nothing, then active for the vendor', async () => {
      const html = await (await bob.get(APPROVAL)).text();
      expect(html).toContain('What changes');
      expect(html).toContain('anchors nothing');
      expect(html).toContain('anchors acme&#39;s chains');
      expect(html).toContain('SPKI SHA-256');
      expect(html).not.toContain('You proposed this');
    });
  });

  describe('when the proposer opens the approval page', () => {
    it('warns before the attempt, and still offers the form (the refusal is the server’s)', async () => {
      const html = await (await alice.get(APPROVAL)).text();
      expect(html).toContain('You proposed this; another admin must approve it.');
      expect(html).toContain(`action="${APPROVAL}/approve"`);
    });
  });

  describe('when the proposer approves their own root', () => {
    it('is refused visibly with SELF_APPROVAL_FORBIDDEN and the store is unchanged', async () => {
      const before = await store(t);
      const page = await (await alice.get(APPROVAL)).text();
      const res = await alice.post(`${APPROVAL}/approve`, { version: versionOf(page), reason: 'looks fine' });
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain('SELF_APPROVAL_FORBIDDEN');
      expect(html).toContain('Nothing was changed by this request');
      expect(await store(t)).toEqual(before);
    });
  });

  describe('when an on-call engineer looks and tries to approve', () => {
    it('shows the pages but refuses the write with FORBIDDEN', async () => {
      expect((await olive.get('/console/approvals')).status).toBe(200);
      const page = await (await olive.get(APPROVAL)).text();
      expect(page).toContain('Only an admin can approve it.');
      expect(page).not.toContain(`action="${APPROVAL}/approve"`);
      const before = await store(t);
      const res = await olive.post(`${APPROVAL}/approve`, { version: String(before.version), reason: 'ok' });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('FORBIDDEN');
      expect(await store(t)).toEqual(before);
    });
  });

  describe('when the page is stale', () => {
    it('is refused with PRECONDITION_FAILED and nothing changes', async () => {
      const before = await store(t);
      const res = await bob.post(`${APPROVAL}/approve`, {
        version: String(before.version + 1),
        reason: 'checked with Acme',
      });
      expect(res.status).toBe(412);
      expect(await res.text()).toContain('PRECONDITION_FAILED');
      expect(await store(t)).toEqual(before);
    });
  });

  describe('when the approval carries no reason', () => {
    it('is refused with INVALID_FIELD', async () => {
      const before = await store(t);
      const res = await bob.post(`${APPROVAL}/approve`, { version: String(before.version), reason: '' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('INVALID_FIELD');
      expect(await store(t)).toEqual(before);
    });
  });

  describe('when a second admin approves with the version shown', () => {
    it('makes the root active, audited as theirs', async () => {
      const page = await (await bob.get(APPROVAL)).text();
      const res = await bob.post(`${APPROVAL}/approve`, {
        version: versionOf(page),
        reason: 'fingerprint read back by Acme PSIRT',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(
        `/console/vendors/acme/roots/${ROOTS.globexP384}?done=approved`,
      );
      expect((await store(t)).state).toBe('active');
      const audit = await (
        await t.call('GET', `/audit?targetId=${ROOTS.globexP384}&limit=100`, { token: t.alice })
      ).json();
      expect(audit.entries).toContainEqual(
        expect.objectContaining({
          action: 'root.approve',
          actor: 'bob',
          reason: 'fingerprint read back by Acme PSIRT',
        }),
      );
      const shown = await (await bob.get(res.headers.get('location') ?? '')).text();
      expect(shown).toContain('Approved: it is active now.');
      expect(shown).toContain('root.approve');
    });
  });
});

describe('console: vendor change approvals', () => {
  let t: App;
  let alice: ConsoleClient;
  let bob: ConsoleClient;
  const contacts = [{ name: 'Acme PSIRT', channel: 'email', value: 'psirt@acme.example' }];
  const proposeChange = async (reason: string) => {
    const etag = (await t.call('GET', '/vendors/acme', { token: t.alice })).headers.get('etag') as string;
    const res = await t.call('PATCH', '/vendors/acme', {
      token: t.alice,
      headers: { 'if-match': etag },
      body: { contacts, reason },
    });
    return (await res.json()).id as string;
  };
  beforeAll(async () => {
    t = await createAdminTestApp();
    alice = await signInToConsole(t.app, t.alice);
    bob = await signInToConsole(t.app, t.bob);
  });
  afterAll(() => t.close());

  describe('when a change of contacts waits', () => {
    it('shows each field before and after, who proposed it and why', async () => {
      const id = await proposeChange('new PSIRT address');
      const html = await (await bob.get(`/console/approvals/acme/changes/${id}`)).text();
      expect(html).toContain('Contacts');
      expect(html).toContain('psirt@acme.example');
      expect(html).toContain('new PSIRT address');
      expect(html).toContain('alice');
      expect(await (await alice.get(`/console/approvals/acme/changes/${id}`)).text()).toContain(
        'You proposed this; another admin must approve it.',
      );
    });

    it('refuses the proposer, and applies it for a second admin', async () => {
      const { changes } = await (await t.call('GET', '/vendors/acme/changes', { token: t.bob })).json();
      const id = changes.find((c: { state: string }) => c.state === 'pending').id as string;
      const path = `/console/approvals/acme/changes/${id}`;
      const version = versionOf(await (await alice.get(path)).text());
      const refused = await alice.post(`${path}/approve`, { version, reason: 'mine' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('SELF_APPROVAL_FORBIDDEN');

      const stale = await bob.post(`${path}/approve`, { version: String(Number(version) + 1), reason: 'ok' });
      expect(stale.status).toBe(412);

      const approved = await bob.post(`${path}/approve`, { version, reason: 'called Acme on file' });
      expect(approved.status).toBe(303);
      const vendor = await (await t.call('GET', '/vendors/acme', { token: t.alice })).json();
      expect(vendor.contacts).toEqual(contacts);
    });
  });

  describe('when the proposer withdraws a change', () => {
    it('is withdrawn and the vendor stays as it was', async () => {
      const before = await (await t.call('GET', '/vendors/acme', { token: t.alice })).json();
      contacts[0] = { name: 'Other', channel: 'email', value: 'other@acme.example' };
      const id = await proposeChange('typo, will redo');
      const res = await alice.post(`/console/approvals/acme/changes/${id}/withdraw`, { reason: 'typo' });
      expect(res.status).toBe(303);
      const page = await (await alice.get(res.headers.get('location') ?? '')).text();
      expect(page).toContain('withdrawn');
      expect(await (await t.call('GET', '/vendors/acme', { token: t.alice })).json()).toEqual(before);
    });
  });
});
