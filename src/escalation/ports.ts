import type { OpeningSlot } from './opening-budget';
import type { ApprovedRoot } from './settled-by-root';
import type { CaseKind, CaseState, EscalationCase } from './types';

export interface StoredCase {
  case: EscalationCase;
  /** Optimistic-concurrency version of the stored row. */
  version: number;
}

/** Persistence of escalation cases (src/db implements it for libSQL and D1). */
export interface EscalationRepository {
  /** `root` is `caseRoot(kind, top.spkiSha256)`: the top's SPKI SHA-256, or `ANY_ROOT` for a per-vendor kind. */
  findOpen(vendorId: string, root: string, kind: CaseKind): Promise<StoredCase | null>;
  get(id: string): Promise<StoredCase | null>;
  /**
   * The case of this vendor, root and kind resolved last (newest resolution first), if any: what on-call
   * decided about the root most recently (a rejection is remembered: `opening.ts`).
   */
  findLatestResolved(vendorId: string, root: string, kind: CaseKind): Promise<EscalationCase | null>;
  list(filter: { state?: CaseState; vendorId?: string; limit?: number }): Promise<EscalationCase[]>;
  /** False when another open case for the same vendor, root and kind was stored first. */
  insert(c: EscalationCase): Promise<boolean>;
  /** False when the stored version moved on. */
  update(c: EscalationCase, expectedVersion: number): Promise<boolean>;
  /**
   * Counts one more blocked verification on an open case in one atomic statement (no version check), for a
   * join that kept losing the optimistic race: the count is kept, that request's chain and digest are not.
   * Null when the case is no longer open.
   */
  countBlocked(id: string, at: string): Promise<StoredCase | null>;
  /** The claimed slots of a vendor's opening budget for `kind` (see `decideOpening`). */
  openingSlots(vendorId: string, kind: CaseKind): Promise<OpeningSlot[]>;
  /**
   * Claims `slot` at `claimedAt` if its stored claim is still `previous` (null: never claimed), atomically;
   * false when another request claimed it first.
   */
  claimOpeningSlot(claim: {
    vendorId: string;
    kind: CaseKind;
    slot: number;
    previous: string | null;
    claimedAt: string;
    root: string;
    caseId: string;
  }): Promise<boolean>;
}

/** Advisory data an escalation can cite: matching items and candidate roots of the vendor. */
export interface EscalationEvidence {
  forTop(
    vendorId: string,
    top: { sha256: string; spkiSha256: string; issuer?: string },
  ): Promise<{
    advisories: Array<{ title: string; link: string; feed: string; published: string }>;
    candidates: Array<{ sha256: string; spkiSha256: string; corroborated: boolean; provenance: string }>;
  }>;
}

/**
 * Settles the open cases a root answers once an admin approved it (the escalation service implements it;
 * the root-approval use case calls it after the approval is written).
 */
export interface CaseSettlement {
  settleByRoot(root: ApprovedRoot, actor: string): Promise<unknown>;
}
