import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ESCALATION_LIMITS,
  decideOpening,
  escalationLimits,
  type OpeningSlot,
  overflowKindOf,
} from '../../src/escalation';

const LIMITS = { newCasesPerVendor: 3, windowSeconds: 3600 };
const T0 = new Date('2026-06-01T00:00:00Z');
const plus = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const slot = (n: number, seconds: number, root = `root-${n}`): OpeningSlot => ({
  slot: n,
  claimedAt: plus(seconds).toISOString(),
  root,
});
const NEW_ROOT = 'new-root';

describe('decideOpening', () => {
  describe('when the vendor has never opened a case', () => {
    it('opens in the first slot, expecting it unclaimed', () => {
      expect(decideOpening([], LIMITS, T0, NEW_ROOT)).toEqual({
        open: true,
        claim: { slot: 0, previous: null },
      });
    });
  });

  describe('when some slots are claimed within the window', () => {
    it('opens in the first slot never claimed', () => {
      expect(decideOpening([slot(0, 0), slot(2, 10)], LIMITS, plus(20), NEW_ROOT)).toEqual({
        open: true,
        claim: { slot: 1, previous: null },
      });
    });
  });

  describe('when every slot was claimed within the window (a flood of new roots)', () => {
    it('refuses a new case and says when the oldest claim leaves the window', () => {
      const slots = [slot(0, 100), slot(1, 0), slot(2, 200)];
      expect(decideOpening(slots, LIMITS, plus(3599), NEW_ROOT)).toEqual({
        open: false,
        resumesAt: plus(3600).toISOString(),
      });
    });
  });

  describe('when the oldest claim has left the window', () => {
    it('reopens that slot, expecting its previous claim (a compare-and-set)', () => {
      const slots = [slot(0, 100), slot(1, 0), slot(2, 200)];
      expect(decideOpening(slots, LIMITS, plus(3600), NEW_ROOT)).toEqual({
        open: true,
        claim: { slot: 1, previous: plus(0).toISOString() },
      });
    });
  });

  describe('when the budget was lowered since slots were claimed', () => {
    it('ignores the slots beyond it', () => {
      const slots = [slot(0, 0), slot(1, 0), slot(2, 0), slot(3, -7200)];
      expect(decideOpening(slots, LIMITS, plus(10), NEW_ROOT).open).toBe(false);
    });
  });

  describe('when a stored claim time is unreadable', () => {
    it('treats it as long past rather than blocking the slot forever', () => {
      const slots = [slot(0, 0), { slot: 1, claimedAt: 'garbage', root: 'r' }, slot(2, 0)];
      expect(decideOpening(slots, LIMITS, plus(10), NEW_ROOT)).toEqual({
        open: true,
        claim: { slot: 1, previous: 'garbage' },
      });
    });
  });

  describe('when the root already claimed a slot within the window (parallel first verifications)', () => {
    it('lets it open without spending a second slot, even with the budget spent', () => {
      const slots = [slot(0, 0), slot(1, 5, NEW_ROOT), slot(2, 10)];
      expect(decideOpening(slots, LIMITS, plus(60), NEW_ROOT)).toEqual({ open: true, claim: null });
    });

    it('claims again once that claim has left the window', () => {
      const slots = [slot(0, 0, NEW_ROOT)];
      expect(decideOpening(slots, LIMITS, plus(3600), NEW_ROOT)).toEqual({
        open: true,
        claim: { slot: 1, previous: null },
      });
    });
  });
});

describe('escalationLimits', () => {
  describe('when nothing is configured', () => {
    it('gives 5 new cases per vendor per hour and 20 listed overflow roots', () => {
      expect(escalationLimits()).toEqual(DEFAULT_ESCALATION_LIMITS);
      expect(DEFAULT_ESCALATION_LIMITS).toEqual({
        newCasesPerVendor: 5,
        windowSeconds: 3600,
        overflowRootsListed: 20,
      });
    });
  });

  describe('when a limit is not a positive integer within bounds', () => {
    it('refuses the configuration', () => {
      expect(() => escalationLimits({ newCasesPerVendor: 0 })).toThrow(/newCasesPerVendor/);
      expect(() => escalationLimits({ windowSeconds: 1.5 })).toThrow(/windowSeconds/);
      expect(() => escalationLimits({ overflowRootsListed: 10_000 })).toThrow(/overflowRootsListed/);
      expect(escalationLimits({ newCasesPerVendor: 2 }).newCasesPerVendor).toBe(2);
    });
  });
});

describe('overflowKindOf', () => {
  describe('when asked which kinds are budgeted', () => {
    it('budgets only unknown-root, whose key a caller can mint', () => {
      expect(overflowKindOf('unknown-root')).toBe('unknown-root-overflow');
      expect(overflowKindOf('distrusted-root')).toBeUndefined();
      expect(overflowKindOf('expired-signer-chain')).toBeUndefined();
      expect(overflowKindOf('unknown-root-overflow')).toBeUndefined();
    });
  });
});
