import { describe, expect, it } from 'vitest';
import {
  type BlockedVerification,
  caseKey,
  casesSettledByRoot,
  type EscalationCase,
  escalationLimits,
  openOrJoinOverflow,
  overflowView,
  type TopCertificate,
  tallyRoot,
} from '../../src/escalation';

const T0 = new Date('2026-06-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const hex = (n: number, byte = 'aa') => n.toString(16).padStart(4, '0') + byte.repeat(30);
const top = (n: number): TopCertificate => ({
  subject: `CN=Minted Root ${n}`,
  issuer: `CN=Minted Root ${n}`,
  sha256: hex(n, 'bb'),
  spkiSha256: hex(n),
});
const LIMITS = escalationLimits({ newCasesPerVendor: 2, overflowRootsListed: 3 });

function suppressed(n: number, seconds: number, vendorId = 'acme'): BlockedVerification {
  return {
    newCaseId: `esc_overflow_${n}_${seconds}`,
    kind: 'unknown-root-overflow',
    vendorId,
    top: top(n),
    chain: [],
    artifactDigest: null,
    at: at(seconds),
    stepCount: 4,
  };
}

/** The overflow case after the given suppressed verifications, in order. */
function flood(events: BlockedVerification[]): { case: EscalationCase; opened: number } {
  let current: EscalationCase | undefined;
  let opened = 0;
  for (const event of events) {
    const result = openOrJoinOverflow(current, event, LIMITS);
    if (result.change === 'opened') opened++;
    current = result.case;
  }
  if (!current) throw new Error('no events');
  return { case: current, opened };
}

describe('openOrJoinOverflow', () => {
  describe('when 10 verifications under 10 minted roots are suppressed', () => {
    it('opens one case per vendor that counts all 10 and lists at most 3 roots', () => {
      const { case: c, opened } = flood(Array.from({ length: 10 }, (_, i) => suppressed(i, i)));
      expect(opened).toBe(1);
      expect(c.key).toBe(caseKey('acme', top(9).spkiSha256, 'unknown-root-overflow'));
      expect(c.key).toBe(caseKey('acme', top(0).spkiSha256, 'unknown-root-overflow'));
      expect(c.verificationsBlocked).toBe(10);
      expect(c.overflow?.roots).toHaveLength(3);
      const view = overflowView(c);
      expect(view.verificationsSuppressed).toBe(10);
      expect(view.unlistedVerifications).toBe(7);
      expect(view.newCasesPerVendor).toBe(2);
      expect(view.windowSeconds).toBe(3600);
    });
  });

  describe('when a root keeps coming back during a flood of one-off roots', () => {
    it('keeps that root listed with its count and first/last seen while one-off roots make room', () => {
      const events: BlockedVerification[] = [];
      for (let i = 0; i < 20; i++) {
        events.push(suppressed(1000 + i, i * 10));
        // Back before the list of 3 turns over: fewer than 3 new roots arrive between two of its hits.
        if (i % 2 === 0) events.push(suppressed(7, i * 10 + 1));
      }
      const view = overflowView(flood(events).case);
      expect(view.roots).toHaveLength(3);
      expect(view.roots[0]).toMatchObject({
        spkiSha256: top(7).spkiSha256,
        verifications: 10,
        firstSeen: at(1).toISOString(),
        lastSeen: at(181).toISOString(),
      });
      expect(view.verificationsSuppressed).toBe(30);
      expect(view.unlistedVerifications + view.roots.reduce((n, r) => n + r.verifications, 0)).toBe(30);
    });
  });
});

describe('tallyRoot', () => {
  describe('when the same key comes with a re-issued certificate', () => {
    it('counts it on the same entry and keeps the latest certificate', () => {
      const first = tallyRoot([], top(1), at(0).toISOString(), 3);
      const reissued = { ...top(1), sha256: 'cc'.repeat(32) };
      const second = tallyRoot(first, reissued, at(5).toISOString(), 3);
      expect(second).toHaveLength(1);
      expect(second[0]).toMatchObject({
        verifications: 2,
        sha256: 'cc'.repeat(32),
        lastSeen: at(5).toISOString(),
      });
    });
  });
});

describe('casesSettledByRoot', () => {
  describe('when an approved root is one the overflow case listed', () => {
    it('leaves the overflow case to a person', () => {
      const { case: c } = flood([suppressed(1, 0)]);
      expect(
        casesSettledByRoot([c], { vendorId: 'acme', spkiSha256: top(1).spkiSha256, subject: top(1).subject }),
      ).toEqual([]);
    });
  });
});
