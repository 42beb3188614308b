import { type ErrorCode, TrustgateError } from '../../errors';
import type { CaseSettlement } from '../../escalation/ports';
import {
  type AuditEntry,
  type AuditReader,
  type AuditTarget,
  auditEntry,
  type CrlRepository,
  type TokenRepository,
  type TrustRepository,
  type Vendor,
} from '../../trust';
import type { ApprovalLineage } from '../../trust/approvals';
import type { Refusal } from '../../trust/root-proposal';
import type { RandomBytes } from '../../trust/tokens';

export interface TrustAdminDeps {
  trust: TrustRepository;
  /** API tokens; without them only the bootstrap admin acts and the token use cases answer NOT_FOUND. */
  tokens: TokenRepository | undefined;
  /** The audit log's reader; without it a root's history is empty and the log cannot be listed. */
  audit: AuditReader | undefined;
  /** Stored CRLs; the CRL use cases need it (the app serves their routes only when there is one). */
  crls?: CrlRepository | undefined;
  subtle: SubtleCrypto;
  now: () => Date;
  random: RandomBytes;
  /** Open escalation cases an approved root answers; settled right after the approval is written. */
  cases: CaseSettlement;
}

/**
 * The caller's precondition on the resource as read (HTTP: If-Match against its version); it throws to refuse.
 * Checked after the resource is found and before anything is decided.
 */
export type VersionCheck = (version: number) => void;

/** A refusal of the domain (an expected outcome) becomes the TrustgateError the API answers with. */
export function decided<T extends { ok: true }>(decision: T | Refusal): T {
  if (!decision.ok) throw new TrustgateError(decision.code, decision.detail);
  return decision;
}

/** One audited change: what it did, to what, by whom, when and why, and the state before and after. */
export interface AuditedChange {
  action: string;
  target: AuditTarget;
  actor: string;
  at: Date | string;
  reason: string | null;
  before: unknown;
  after: unknown;
}

/**
 * Writes a change with its audit entry in one transaction through `write`, which answers false when the
 * stored row moved on since it was read (the optimistic version check); that is refused with `stale`, and
 * nothing is written.
 */
export async function commitAudited(
  write: (entry: AuditEntry) => Promise<boolean>,
  change: AuditedChange,
  stale: { code: ErrorCode; detail: string },
): Promise<void> {
  const entry = auditEntry(
    change.action,
    change.target,
    { actor: change.actor, at: change.at, reason: change.reason },
    { before: change.before, after: change.after },
  );
  if (!(await write(entry))) throw new TrustgateError(stale.code, stale.detail);
}

export async function loadVendor(deps: TrustAdminDeps, id: string): Promise<Vendor> {
  const vendor = await deps.trust.getVendor(id);
  if (!vendor) throw new TrustgateError('NOT_FOUND', `no vendor '${id}'`);
  return vendor;
}

/** Longer chains of tokens minting tokens are refused rather than cut short (a cut hides the maker). */
const MAX_TOKEN_LINEAGE = 1000;

/** The names of the tokens that made `name`'s token, nearest first, all the way to the first maker. */
async function tokenLineage(tokens: TokenRepository | undefined, name: string | null): Promise<string[]> {
  const lineage: string[] = [];
  const seen = new Set<string>();
  let current = name;
  while (current && tokens && !seen.has(current)) {
    seen.add(current);
    const token = await tokens.getByName(current);
    if (!token) break;
    lineage.push(token.createdBy);
    if (lineage.length > MAX_TOKEN_LINEAGE) {
      throw new TrustgateError(
        'SELF_APPROVAL_FORBIDDEN',
        `the token ${name} descends from more than ${MAX_TOKEN_LINEAGE} tokens; its independence cannot be shown`,
      );
    }
    current = token.createdBy;
  }
  return lineage;
}

/** Who made whose token, for the second admin's independence of the proposer (trust/approvals.ts). */
export async function approvalLineage(
  deps: TrustAdminDeps,
  proposer: string | null,
  approver: string,
): Promise<ApprovalLineage> {
  return {
    proposer: await tokenLineage(deps.tokens, proposer),
    approver: await tokenLineage(deps.tokens, approver),
  };
}
