import { describe, expect, it } from 'vitest';
import {
  applyStep,
  type BlockedVerification,
  caseKey,
  type EscalationCase,
  MAX_ARTIFACT_DIGESTS,
  openOrJoin,
  resolve,
} from '../../src/escalation';
import { TOP_SHA256, TOP_SPKI, unknownRootFacts } from './facts';

const T0 = new Date('2026-11-25T10:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

function blocked(overrides: Partial<BlockedVerification> = {}): BlockedVerification {
  const facts = unknownRootFacts();
  return {
    newCaseId: 'esc_new',
    vendorId: 'acme',
    top: {
      subject: 'CN=Acme Root 2026',
      issuer: 'CN=Acme Root 2026',
      sha256: TOP_SHA256,
      spkiSha256: TOP_SPKI,
    },
    chain: facts.chain,
    artifactDigest: digest(1),
    at: T0,
    stepCount: 6,
    ...overrides,
  };
}

function opened(): EscalationCase {
  return openOrJoin(undefined, blocked()).case;
}

describe('caseKey', () => {
  describe('when the SPKI fingerprint is written differently', () => {
    it('gives the same key', () => {
      const colon = TOP_SPKI.toUpperCase().match(/../g)?.join(':') ?? '';
      expect(caseKey('acme', colon)).toBe(caseKey('acme', TOP_SPKI));
    });
  });

  describe('when vendor or kind differ', () => {
    it('gives different keys', () => {
      expect(caseKey('acme', TOP_SPKI)).not.toBe(caseKey('other', TOP_SPKI));
      expect(caseKey('acme', TOP_SPKI)).not.toBe(caseKey('acme', TOP_SPKI, 'distrusted-root'));
    });
  });
});

describe('openOrJoin', () => {
  describe('when there is no case yet', () => {
    it('opens one with the given id, one blocked verification and the digest', () => {
      const { change, case: c } = openOrJoin(undefined, blocked());
      expect(change).toBe('opened');
      expect(c).toMatchObject({
        id: 'esc_new',
        key: caseKey('acme', TOP_SPKI),
        kind: 'unknown-root',
        state: 'open',
        verificationsBlocked: 1,
        firstSeen: T0.toISOString(),
        lastSeen: T0.toISOString(),
        artifactDigests: [digest(1)],
        stepCount: 6,
        steps: [],
        resolution: null,
      });
    });
  });

  describe('when the case for the same root is open', () => {
    it('joins it: counts, last seen and digests move, the id stays', () => {
      const first = opened();
      const { change, case: c } = openOrJoin(
        first,
        blocked({ newCaseId: 'esc_other', at: minutes(5), artifactDigest: digest(2) }),
      );
      expect(change).toBe('joined');
      expect(c.id).toBe('esc_new');
      expect(c.verificationsBlocked).toBe(2);
      expect(c.firstSeen).toBe(T0.toISOString());
      expect(c.lastSeen).toBe(minutes(5).toISOString());
      expect(c.artifactDigests).toEqual([digest(1), digest(2)]);
    });

    it('keeps first and last seen right when events arrive out of order', () => {
      const later = openOrJoin(undefined, blocked({ at: minutes(10) })).case;
      const c = openOrJoin(later, blocked({ at: minutes(2) })).case;
      expect(c.firstSeen).toBe(minutes(2).toISOString());
      expect(c.lastSeen).toBe(minutes(10).toISOString());
    });

    it('keeps digests distinct, most recent last, and at most the bound', () => {
      let c = opened();
      for (let i = 2; i <= MAX_ARTIFACT_DIGESTS + 10; i++) {
        c = openOrJoin(c, blocked({ artifactDigest: digest(i), at: minutes(i) })).case;
      }
      c = openOrJoin(
        c,
        blocked({ artifactDigest: digest(30).toUpperCase().replace('SHA256', 'sha256') }),
      ).case;
      expect(c.artifactDigests).toHaveLength(MAX_ARTIFACT_DIGESTS);
      expect(new Set(c.artifactDigests).size).toBe(MAX_ARTIFACT_DIGESTS);
      expect(c.artifactDigests[c.artifactDigests.length - 1]).toBe(digest(30));
      expect(c.artifactDigests).not.toContain(digest(1));
      expect(c.verificationsBlocked).toBe(MAX_ARTIFACT_DIGESTS + 11);
    });
  });

  describe('when the verification had no usable artifact digest', () => {
    it('counts it but keeps no digest', () => {
      const c = openOrJoin(opened(), blocked({ artifactDigest: null })).case;
      const d = openOrJoin(c, blocked({ artifactDigest: 'sha256:not-hex' })).case;
      expect(d.verificationsBlocked).toBe(3);
      expect(d.artifactDigests).toEqual([digest(1)]);
      expect(openOrJoin(undefined, blocked({ artifactDigest: null })).case.artifactDigests).toEqual([]);
    });
  });

  describe('when the case for the same root was resolved', () => {
    it('opens a new case', () => {
      const done = resolve(opened(), { outcome: 'rejected', actor: 'bob', at: minutes(1) });
      if (!done.ok) throw new Error(done.error.message);
      const { change, case: c } = openOrJoin(done.case, blocked({ newCaseId: 'esc_2', at: minutes(2) }));
      expect(change).toBe('opened');
      expect(c).toMatchObject({ id: 'esc_2', state: 'open', verificationsBlocked: 1 });
    });
  });

  describe('when given a case of another key', () => {
    it('throws, since that is a bug in the caller', () => {
      expect(() => openOrJoin(opened(), blocked({ vendorId: 'other' }))).toThrow(/key/);
    });
  });
});

describe('applyStep', () => {
  describe('when the step exists and the case is open', () => {
    it('records who did it, when and the note, and replaces an earlier record', () => {
      const first = applyStep(opened(), 2, { done: true, note: 'called', actor: 'alice', at: minutes(3) });
      if (!first.ok) throw new Error(first.error.message);
      const again = applyStep(first.case, 2, { done: false, actor: 'bob', at: minutes(4) });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.case.steps).toEqual([
        { n: 2, done: false, note: '', actor: 'bob', at: minutes(4).toISOString() },
      ]);
      expect(again.case.updatedAt).toBe(minutes(4).toISOString());
    });

    it('keeps steps ordered by number', () => {
      let c = opened();
      for (const n of [3, 1, 2]) {
        const r = applyStep(c, n, { done: true, actor: 'alice', at: minutes(n) });
        if (!r.ok) throw new Error(r.error.message);
        c = r.case;
      }
      expect(c.steps.map((s) => s.n)).toEqual([1, 2, 3]);
    });
  });

  describe('when the step number is out of range', () => {
    it('refuses 0, past the last step and fractions', () => {
      for (const n of [0, 7, 1.5, Number.NaN]) {
        const r = applyStep(opened(), n, { done: true, actor: 'alice', at: T0 });
        expect(r).toMatchObject({ ok: false, error: { code: 'STEP_OUT_OF_RANGE' } });
      }
    });
  });

  describe('when the input is not acceptable', () => {
    it('refuses an empty actor and an oversized note', () => {
      expect(applyStep(opened(), 1, { done: true, actor: ' ', at: T0 })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      expect(
        applyStep(opened(), 1, { done: true, actor: 'a', note: 'x'.repeat(5000), at: T0 }),
      ).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    });
  });

  describe('when the case is resolved', () => {
    it('refuses', () => {
      const done = resolve(opened(), { outcome: 'approved', actor: 'bob', at: T0 });
      if (!done.ok) throw new Error(done.error.message);
      expect(applyStep(done.case, 1, { done: true, actor: 'alice', at: T0 })).toMatchObject({
        ok: false,
        error: { code: 'CASE_NOT_OPEN' },
      });
    });
  });
});

describe('resolve', () => {
  describe('when the case is open', () => {
    it('resolves it with the outcome, who, when and why', () => {
      const r = resolve(opened(), {
        outcome: 'rejected',
        note: 'vendor denies',
        actor: 'bob',
        at: minutes(9),
      });
      expect(r).toEqual({
        ok: true,
        case: expect.objectContaining({
          state: 'resolved',
          resolution: {
            outcome: 'rejected',
            note: 'vendor denies',
            actor: 'bob',
            at: minutes(9).toISOString(),
          },
          updatedAt: minutes(9).toISOString(),
        }),
      });
    });
  });

  describe('when the case is already resolved', () => {
    it('refuses to resolve it twice and keeps the first resolution', () => {
      const once = resolve(opened(), { outcome: 'approved', actor: 'bob', at: T0 });
      if (!once.ok) throw new Error(once.error.message);
      const twice = resolve(once.case, { outcome: 'rejected', actor: 'carol', at: minutes(1) });
      expect(twice).toMatchObject({ ok: false, error: { code: 'CASE_NOT_OPEN' } });
      expect(once.case.resolution?.outcome).toBe('approved');
    });
  });

  describe('when the outcome is not one of the two', () => {
    it('refuses', () => {
      const r = resolve(opened(), { outcome: 'maybe' as 'approved', actor: 'bob', at: T0 });
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    });
  });
});
