import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

/** globex's chain checked as vendor acme: a clean chain that ends at a root acme does not have. */
const UNKNOWN_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';

interface Escalation {
  id: string;
  kind: string;
  state: string;
  rejection?: { caseId: string; actor: string; at: string; note: string };
}

describe('remembered rejections', () => {
  let t: App;
  let oncall: string;
  beforeEach(async () => {
    t = await createAdminTestApp();
    oncall = (await t.createToken('pat-oncall', 'oncall')).secret;
  });
  afterEach(() => t.close());

  const reject = async (id: string, note: string) => {
    const res = await t.call('POST', `/escalations/${id}/resolve`, {
      token: oncall,
      body: { outcome: 'rejected', note },
    });
    expect(res.status).toBe(200);
  };
  const auditCount = async () =>
    (await (await t.call('GET', '/audit?limit=1000', { token: t.alice })).json()).entries.length;

  describe('when on-call rejected the unknown root of a case', () => {
    it('refuses the next identical package as rejected, naming the case, who, when and why', async () => {
      const first = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const opened = first.body.escalation as Escalation;
      await reject(opened.id, 'Acme says this is not their CA');
      const entries = await auditCount();

      const again = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      expect(again.status).toBe(200);
      expect(again.body.verdict).toBe('rejected');
      expect(again.body.reasons.map((r) => r.code)).toEqual(['ESCALATION_REJECTED', 'UNKNOWN_ROOT']);
      const message = again.body.reasons[0]?.message ?? '';
      expect(message).toContain(opened.id);
      expect(message).toContain('pat-oncall');
      expect(message).toContain('2026-06-01T00:00:00.000Z');
      expect(message).toContain('Acme says this is not their CA');
      expect(again.body.escalation).toMatchObject({
        id: opened.id,
        state: 'resolved',
        rejection: {
          caseId: opened.id,
          actor: 'pat-oncall',
          at: '2026-06-01T00:00:00.000Z',
          note: 'Acme says this is not their CA',
        },
      });
      // nothing opened, audited or paged
      const open = await (await t.call('GET', '/escalations?state=open', { token: oncall })).json();
      expect(open.cases).toEqual([]);
      expect(await auditCount()).toBe(entries);
      const stored = await (await t.call('GET', `/escalations/${opened.id}`, { token: oncall })).json();
      expect(stored.case.verificationsBlocked).toBe(1);
    });
  });

  describe('when the same root is sent for another vendor', () => {
    it('is not refused by the first vendor’s decision: a case opens for the other vendor', async () => {
      await t.call('POST', '/vendors', {
        token: t.alice,
        body: { id: 'initech', name: 'Initech', reason: 'a second vendor without globex roots' },
      });
      const first = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      await reject((first.body.escalation as Escalation).id, 'not acme');
      const other = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'initech' });
      expect(other.body.verdict).toBe('unknown_root');
      expect(other.body.escalation).toMatchObject({ state: 'open' });
      expect((other.body.escalation as Escalation).rejection).toBeUndefined();
    });
  });

  describe('when a case was resolved as approved', () => {
    it('remembers nothing: an approval is no refusal', async () => {
      const first = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const id = (first.body.escalation as Escalation).id;
      await t.call('POST', `/escalations/${id}/resolve`, {
        token: oncall,
        body: { outcome: 'approved', note: 'will be proposed' },
      });
      const again = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      expect(again.body.verdict).toBe('unknown_root');
      expect((again.body.escalation as Escalation).id).not.toBe(id);
      expect((again.body.escalation as Escalation).state).toBe('open');
    });
  });

  describe('when on-call rejected a distrusted-root case', () => {
    it('keeps the verdict rejected and adds the pointer, opening no new case', async () => {
      await t.call('POST', `/roots/${ROOTS.acmeRsa}/distrust`, {
        token: t.alice,
        body: { after: '2023-01-01T00:00:00Z', reason: 'key compromise reported by Acme' },
      });
      const first = await t.verify('rsa2048-sha256-detached-der-trusted');
      const opened = first.body.escalation as Escalation;
      expect(opened.kind).toBe('distrusted-root');
      await reject(opened.id, 'the distrust stands');
      const again = await t.verify('rsa2048-sha256-detached-der-trusted');
      expect(again.body.verdict).toBe('rejected');
      expect(again.body.reasons[0]?.code).toBe('ESCALATION_REJECTED');
      expect(again.body.reasons.map((r) => r.code)).toContain('ANCHOR_DISTRUSTED');
      expect(again.body.escalation).toMatchObject({ id: opened.id, rejection: { caseId: opened.id } });
    });
  });

  describe('when a package of a root on-call rejected is signed by a trusted root after all', () => {
    it('is trusted: only an untrusted verdict is ever escalated, so the memory never decides trust', async () => {
      const first = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      await reject((first.body.escalation as Escalation).id, 'not acme');
      // the same fixture verified for its own vendor, where the root is active
      const own = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'globex' });
      expect(own.body.verdict).toBe('trusted');
      expect(own.body.reasons).toEqual([]);
    });
  });
});

describe('remembered rejections superseded by the admins', () => {
  let t: App;
  let oncall: string;
  let now = new Date('2026-06-01T00:00:00Z');
  const tick = () => {
    now = new Date(now.getTime() + 60_000);
  };
  beforeEach(async () => {
    now = new Date('2026-06-01T00:00:00Z');
    t = await createAdminTestApp({ clock: () => now });
    oncall = (await t.createToken('pat-oncall', 'oncall')).secret;
  });
  afterEach(() => t.close());

  describe('when two admins approved the root after on-call rejected it, and later retired it', () => {
    it('opens a new case again instead of pointing at the older rejection', async () => {
      const first = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const rejectedId = (first.body.escalation as Escalation).id;
      tick();
      await t.call('POST', `/escalations/${rejectedId}/resolve`, {
        token: oncall,
        body: { outcome: 'rejected', note: 'not confirmed yet' },
      });
      tick();
      expect((await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' })).body.reasons[0]?.code).toBe(
        'ESCALATION_REJECTED',
      );
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: {
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
          reason: 'acme confirmed it signs with the globex CA after all',
        },
      });
      expect(proposed.status).toBe(202);
      tick();
      await t.call('POST', `/roots/${ROOTS.globexP384}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'confirmed' },
      });
      expect((await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' })).body.verdict).toBe('trusted');
      tick();
      await t.call('POST', `/roots/${ROOTS.globexP384}/retire?vendor=acme`, {
        token: t.alice,
        body: { reason: 'acme no longer signs with it' },
      });
      tick();
      const after = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      expect(after.body.verdict).toBe('unknown_root');
      expect(after.body.reasons.map((r) => r.code)).not.toContain('ESCALATION_REJECTED');
      const escalation = after.body.escalation as Escalation;
      expect(escalation.state).toBe('open');
      expect(escalation.id).not.toBe(rejectedId);
      expect(escalation.rejection).toBeUndefined();
    });
  });
});
