import type { CaseKind } from './types';

/**
 * How many new escalation cases a vendor may open, so that a caller minting a fresh self-signed root per
 * request cannot bury on-call in cases, webhooks and audit rows.
 *
 * Only `unknown-root` cases are budgeted: their key is a root the caller chooses. A `distrusted-root` or
 * `expired-signer-chain` case is keyed by a chain that reached one of the vendor's own anchors, which a
 * caller cannot mint, so their number is already bounded by the trust store.
 *
 * The budget is a sliding window kept as `newCasesPerVendor` slots per vendor: opening a case for a new root
 * claims a slot whose previous claim is at least `windowSeconds` old. So within any `windowSeconds`, at most
 * `newCasesPerVendor` roots open cases for one vendor, exactly, also under concurrent requests (a claim is a
 * compare-and-set on the slot). A root that claimed a slot within the window needs no second one (its case
 * was resolved and it came back, or parallel first verifications raced to open it). A verification past the budget is counted on the vendor's one
 * `unknown-root-overflow` case instead; a root that already has an open case joins it, budget or not.
 */
export interface EscalationLimits {
  /** New unknown-root cases one vendor may open within any `windowSeconds`. Default 5. */
  newCasesPerVendor: number;
  /** Length of the sliding window. Default 3600 (one hour). */
  windowSeconds: number;
  /** Distinct roots the overflow case lists with their counts (the rest are counted, not listed). Default 20. */
  overflowRootsListed: number;
}

export const DEFAULT_ESCALATION_LIMITS: Readonly<EscalationLimits> = {
  newCasesPerVendor: 5,
  windowSeconds: 3600,
  overflowRootsListed: 20,
};

const BOUNDS: Readonly<Record<keyof EscalationLimits, readonly [number, number]>> = {
  newCasesPerVendor: [1, 100],
  windowSeconds: [1, 30 * 24 * 3600],
  overflowRootsListed: [1, 200],
};

/** The limits with defaults filled in; a value that is not an integer within its bounds is a configuration error. */
export function escalationLimits(overrides: Partial<EscalationLimits> = {}): EscalationLimits {
  const limits = { ...DEFAULT_ESCALATION_LIMITS, ...overrides };
  for (const [name, [min, max]] of Object.entries(BOUNDS) as [keyof EscalationLimits, [number, number]][]) {
    const value = limits[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`escalation limit ${name} must be an integer from ${min} to ${max}, got ${value}`);
    }
  }
  return limits;
}

const OVERFLOW_OF: Partial<Record<CaseKind, CaseKind>> = { 'unknown-root': 'unknown-root-overflow' };

/** The kind of case that counts the verifications of `kind` past the budget, or undefined when unbudgeted. */
export function overflowKindOf(kind: CaseKind): CaseKind | undefined {
  return OVERFLOW_OF[kind];
}

/** One slot of a vendor's budget: when it was last claimed (ISO-8601), and for which root. */
export interface OpeningSlot {
  slot: number;
  claimedAt: string;
  /** `caseRoot` of the case the claim was made for. */
  root: string;
}

export type OpeningDecision =
  /**
   * A case may open: claim `slot` if its stored claim is still `previous` (null: never claimed); or no claim
   * (`claim: null`) when the root already holds a slot within the window, so that concurrent first
   * verifications of one root (parallel pipelines after a real rotation) spend one slot, not one each.
   */
  | { open: true; claim: { slot: number; previous: string | null } | null }
  /** Every slot was claimed within the window; one frees up at `resumesAt` (ISO-8601). */
  | { open: false; resumesAt: string };

/**
 * Whether a case for `root` may open at `at`, given the vendor's claimed slots: without a claim if the root
 * holds a slot within the window; else a never-claimed slot; else the slot claimed longest ago if that
 * claim has left the window. Slots at or beyond `newCasesPerVendor` (left from a larger configured budget)
 * are ignored; an unreadable claim time counts as long past.
 */
export function decideOpening(
  slots: readonly OpeningSlot[],
  limits: Pick<EscalationLimits, 'newCasesPerVendor' | 'windowSeconds'>,
  at: Date,
  root: string,
): OpeningDecision {
  const windowMs = limits.windowSeconds * 1000;
  const claimed = new Map<number, { claimedAt: string; time: number; root: string }>();
  for (const s of slots) {
    if (Number.isInteger(s.slot) && s.slot >= 0 && s.slot < limits.newCasesPerVendor) {
      const parsed = Date.parse(s.claimedAt);
      claimed.set(s.slot, {
        claimedAt: s.claimedAt,
        time: Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed,
        root: s.root,
      });
    }
  }
  const inWindow = (time: number) => time + windowMs > at.getTime();
  for (const c of claimed.values()) {
    if (c.root === root && inWindow(c.time)) return { open: true, claim: null };
  }
  for (let slot = 0; slot < limits.newCasesPerVendor; slot++) {
    if (!claimed.has(slot)) return { open: true, claim: { slot, previous: null } };
  }
  let oldest: { slot: number; claimedAt: string; time: number } | undefined;
  for (const [slot, c] of claimed) {
    if (!oldest || c.time < oldest.time) oldest = { slot, claimedAt: c.claimedAt, time: c.time };
  }
  if (oldest && !inWindow(oldest.time)) {
    return { open: true, claim: { slot: oldest.slot, previous: oldest.claimedAt } };
  }
  const resumes = oldest ? oldest.time + windowMs : at.getTime();
  return { open: false, resumesAt: new Date(resumes).toISOString() };
}
