import type { CaseKind, CaseState, EscalationCase } from '../escalation';

export interface StoredCase {
  case: EscalationCase;
  /** Optimistic-concurrency version of the stored row. */
  version: number;
}

/** Persistence of escalation cases (src/db implements it for libSQL and D1). */
export interface EscalationRepository {
  findOpen(vendorId: string, spkiSha256: string, kind: CaseKind): Promise<StoredCase | null>;
  get(id: string): Promise<StoredCase | null>;
  list(filter: { state?: CaseState; vendorId?: string; limit?: number }): Promise<EscalationCase[]>;
  /** False when another open case for the same vendor, root and kind was stored first. */
  insert(c: EscalationCase): Promise<boolean>;
  /** False when the stored version moved on. */
  update(c: EscalationCase, expectedVersion: number): Promise<boolean>;
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
