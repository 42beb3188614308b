import { normalizeSha256 } from '../../encoding';
import { TrustgateError } from '../../errors';
import type { CrlRepository, CrlSummary } from '../../trust';
import {
  approveCrlRetirement,
  type CrlRetirementDecision,
  proposeCrlRetirement,
  withdrawCrlRetirement,
} from '../../trust/crl-retirement';
import type { Principal } from '../../trust/tokens';
import { crlAuditState, uploadCrls } from '../revocation/crls';
import { approvalLineage, commitAudited, decided, loadVendor, type TrustAdminDeps } from './shared';

export type CrlRetirementStep = 'propose' | 'approve' | 'withdraw';

/** Which CRL of which vendor (SHA-256 hex, colons allowed), and why the step is taken. */
export interface CrlRetirementInput {
  vendorId: string;
  sha256: string;
  reason: string;
}

export function createCrlAdmin(deps: TrustAdminDeps) {
  const repository = (): CrlRepository => {
    // The app serves the CRL routes only with a CRL store, so this is a wiring fault, not a client error.
    if (!deps.crls) throw new Error('the trust admin was built without a CRL repository');
    return deps.crls;
  };

  async function loadCrl(vendorId: string, sha256Param: string): Promise<CrlSummary> {
    const sha256 = normalizeSha256(sha256Param);
    if (!sha256) throw new TrustgateError('INVALID_FIELD', 'sha256 must be 64 hex digits (colons allowed)');
    await loadVendor(deps, vendorId);
    const crl = await repository().get(vendorId, `${vendorId}:${sha256}`);
    if (!crl) throw new TrustgateError('NOT_FOUND', `no CRL ${sha256} for vendor '${vendorId}'`);
    return crl;
  }

  /**
   * One step of a CRL's retirement by `actor` (propose; approve, by an admin independent of the proposer;
   * withdraw), written with its audit entry if the CRL is still as read; the CRL as it is afterwards.
   */
  async function retirementStep(
    step: CrlRetirementStep,
    actor: Principal,
    input: CrlRetirementInput,
  ): Promise<CrlSummary> {
    const current = await loadCrl(input.vendorId, input.sha256);
    const now = deps.now();
    let decision: CrlRetirementDecision<CrlSummary>;
    if (step === 'propose') decision = proposeCrlRetirement(current, actor.name, input.reason, now);
    else if (step === 'withdraw') decision = withdrawCrlRetirement(current);
    else {
      // Token lineage matters only when there is a proposal to approve.
      const lineage = current.retirement
        ? await approvalLineage(deps, current.retirement.proposedBy, actor.name)
        : { proposer: [], approver: [] };
      decision = approveCrlRetirement(current, actor.name, now, lineage);
    }
    const next = decided(decision).crl;
    await commitAudited(
      (entry) => repository().updateRetirementAudited(next, current.version, entry),
      {
        action: `crl.retire.${step}`,
        target: { type: 'crl', id: current.sha256, vendorId: current.vendorId },
        actor: actor.name,
        at: now,
        reason: input.reason,
        before: crlAuditState(current),
        after: crlAuditState(next),
      },
      { code: 'INVALID_STATE', detail: 'the CRL changed while this request ran; read it again' },
    );
    return next;
  }

  return {
    /** A vendor's stored CRLs in every state, newest upload first; `truncated` when more are stored. */
    async listCrls(vendorId: string, limit: number): Promise<{ crls: CrlSummary[]; truncated: boolean }> {
      await loadVendor(deps, vendorId);
      const found = await repository().list(vendorId, limit + 1);
      return { crls: found.slice(0, limit), truncated: found.length > limit };
    },
    /** Stores the CRLs of a DER or PEM upload (a CRL already held is not stored twice). */
    async uploadCrls(actor: Principal, vendorId: string, body: Uint8Array) {
      return uploadCrls({ trust: deps.trust, crls: repository(), now: deps.now }, vendorId, body, actor.name);
    },
    /** The CRL stays in use until another admin approves. */
    proposeCrlRetirement: (actor: Principal, input: CrlRetirementInput) =>
      retirementStep('propose', actor, input),
    /** The CRL is no longer consulted; the revocations it showed stay known. */
    approveCrlRetirement: (actor: Principal, input: CrlRetirementInput) =>
      retirementStep('approve', actor, input),
    /** The CRL stays in use. */
    withdrawCrlRetirement: (actor: Principal, input: CrlRetirementInput) =>
      retirementStep('withdraw', actor, input),
  };
}
