import { TrustgateError } from '../../errors';
import type { AuditFilter, AuditRecord } from '../../trust';
import { type CandidateProposalDeps, createCandidateProposal } from './candidate-proposal';
import { createCrlAdmin } from './crls';
import { createRootAdmin, createSignerAdmin } from './roots';
import type { TrustAdminDeps } from './shared';
import { createTokenAdmin } from './tokens';
import { createVendorChangeAdmin } from './vendor-changes';
import { createVendorAdmin } from './vendors';

export type { CandidateProposalDeps, CandidateRef } from './candidate-proposal';
export type { CrlRetirementInput } from './crls';
export type { DistrustInput, RootRef } from './roots';
export type { TrustAdminDeps, VersionCheck } from './shared';
export type { VendorInput, VendorUpdate } from './vendors';

/**
 * The admin use cases over the trust data: vendors and their two-admin changes, roots, tokens, CRL
 * retirement, and the audit log. Each takes the acting principal (for writes) and parsed input, and answers
 * domain values or throws a TrustgateError; every write goes with its audit entry in one transaction.
 * Authorisation is the caller's (the HTTP handlers check the role before calling).
 */
export function createTrustAdmin(deps: TrustAdminDeps & Pick<CandidateProposalDeps, 'candidates'>) {
  return {
    ...createVendorAdmin(deps),
    ...createCandidateProposal(deps),
    ...createVendorChangeAdmin(deps),
    ...createRootAdmin(deps),
    ...createSignerAdmin(deps),
    ...createTokenAdmin(deps),
    ...createCrlAdmin(deps),
    /** The append-only audit log, oldest first. */
    async listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
      if (!deps.audit) throw new TrustgateError('NOT_FOUND', 'this deployment has no audit reader');
      return deps.audit.list(filter);
    },
  };
}

export type TrustAdmin = ReturnType<typeof createTrustAdmin>;
