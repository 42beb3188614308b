import { type ApprovalLineage, independenceRefusal } from './approvals';
import type { Refusal } from './root-proposal';

/**
 * Retiring a stored CRL takes two admins, like making a root active: a retired CRL is no longer consulted,
 * so one admin alone could otherwise make a revoked signer pass again (issue 14: an upload may add
 * revocations at once, but nothing one admin does can remove one). One admin proposes, an independent
 * second admin approves; any admin may withdraw a pending proposal (that keeps the CRL in use).
 * Revocations already in the revocation memory stay there whatever happens to the CRL.
 */

export type CrlState = 'active' | 'retired';

export interface CrlRetirement {
  reason: string;
  proposedBy: string;
  proposedAt: string;
  /** Null while the retirement is pending. */
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface RetirableCrl {
  state: CrlState;
  /** A pending or approved retirement; null when none was proposed (or the last one was withdrawn). */
  retirement: CrlRetirement | null;
  version: number;
}

export type CrlRetirementDecision<T extends RetirableCrl> = { ok: true; crl: T } | Refusal;

export function proposeCrlRetirement<T extends RetirableCrl>(
  crl: T,
  actor: string,
  reason: string,
  now: Date,
): CrlRetirementDecision<T> {
  if (crl.state === 'retired')
    return { ok: false, code: 'INVALID_STATE', detail: 'the CRL is already retired' };
  if (crl.retirement) {
    return {
      ok: false,
      code: 'INVALID_STATE',
      detail: `${crl.retirement.proposedBy} already proposed to retire this CRL; approve or withdraw that proposal`,
    };
  }
  const retirement = {
    reason,
    proposedBy: actor,
    proposedAt: now.toISOString(),
    approvedBy: null,
    approvedAt: null,
  };
  return { ok: true, crl: { ...crl, retirement, version: crl.version + 1 } };
}

export function approveCrlRetirement<T extends RetirableCrl>(
  crl: T,
  approver: string,
  now: Date,
  lineage: ApprovalLineage,
): CrlRetirementDecision<T> {
  if (crl.state === 'retired')
    return { ok: false, code: 'INVALID_STATE', detail: 'the CRL is already retired' };
  if (!crl.retirement) {
    return {
      ok: false,
      code: 'INVALID_STATE',
      detail: 'no retirement of this CRL is pending; propose one first',
    };
  }
  const refusal = independenceRefusal(crl.retirement.proposedBy, approver, lineage, 'CRL retirement');
  if (refusal) return refusal;
  return {
    ok: true,
    crl: {
      ...crl,
      state: 'retired',
      retirement: { ...crl.retirement, approvedBy: approver, approvedAt: now.toISOString() },
      version: crl.version + 1,
    },
  };
}

export function withdrawCrlRetirement<T extends RetirableCrl>(crl: T): CrlRetirementDecision<T> {
  if (crl.state === 'retired')
    return { ok: false, code: 'INVALID_STATE', detail: 'the CRL is already retired' };
  if (!crl.retirement)
    return { ok: false, code: 'INVALID_STATE', detail: 'no retirement of this CRL is pending' };
  return { ok: true, crl: { ...crl, retirement: null, version: crl.version + 1 } };
}
