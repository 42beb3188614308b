import { normalizeSha256, sha1Hex } from '../../encoding';
import { TrustgateError } from '../../errors';
import { type Anchor, type AnchorKind, type AuditRecord, anchorKind, auditEntry } from '../../trust';
import { anchorState } from '../../trust/audit-states';
import { pendingAnchor, readProposedRoot } from '../../trust/root-proposal';
import {
  approveRoot,
  distrustForKeyCompromise,
  distrustRoot,
  retireRoot,
  type Transition,
} from '../../trust/root-transitions';
import { readProposedSigner } from '../../trust/signer-proposal';
import type { Principal } from '../../trust/tokens';
import {
  approvalLineage,
  commitAudited,
  decided,
  loadVendor,
  type TrustAdminDeps,
  type VersionCheck,
} from './shared';

/** A root named by its SHA-256 (hex, colons allowed), and its vendor when more than one has it on file. */
export interface RootRef {
  sha256: string;
  vendor?: string | undefined;
}

export interface DistrustInput {
  /** Required unless `keyCompromise`; an ISO 8601 instant. */
  after?: string | undefined;
  keyCompromise?: boolean | undefined;
  reason: string;
}

/** The root use cases: reading, proposing, and the four-eyes and one-admin transitions of a vendor's roots. */
export function createRootAdmin(deps: TrustAdminDeps) {
  const roots = createAnchorAdmin(deps, 'root');
  return {
    listRoots: roots.list,
    getRoot: roots.get,
    proposeRoot: roots.propose,
    approveRoot: roots.approve,
    distrustRoot: roots.distrust,
    retireRoot: roots.retire,
  };
}

/**
 * The pinned signer use cases (trust/model.ts AnchorKind): the roots' lifecycle, audit and four-eyes rule
 * for certificates trusted as signers themselves; audited as `signer.*`.
 */
export function createSignerAdmin(deps: TrustAdminDeps) {
  const signers = createAnchorAdmin(deps, 'signer');
  return {
    listSigners: signers.list,
    getSigner: signers.get,
    proposeSigner: signers.propose,
    approveSigner: signers.approve,
    distrustSigner: signers.distrust,
    retireSigner: signers.retire,
  };
}

const NOUN: Record<AnchorKind, string> = { root: 'root', signer: 'pinned signer' };

function createAnchorAdmin(deps: TrustAdminDeps, kind: AnchorKind) {
  return {
    /** A vendor's anchors of this kind in every state. */
    async list(vendorId: string): Promise<Anchor[]> {
      await loadVendor(deps, vendorId);
      return (await deps.trust.listAnchors(vendorId)).filter((a) => anchorKind(a) === kind);
    },

    /** An anchor, its SHA-1 (for reading to a vendor, never to match) and its history from the audit log. */
    async get(ref: RootRef): Promise<{ anchor: Anchor; sha1: string; history: AuditRecord[] }> {
      const anchor = await findRoot(deps, ref, kind);
      const sha1 = await sha1Hex(deps.subtle, anchor.der);
      const history = deps.audit
        ? await deps.audit.list({ vendorId: anchor.vendorId, targetId: anchor.sha256, limit: 1000 })
        : [];
      return { anchor, sha1, history };
    },

    /** A new anchor for a vendor, pending: it anchors nothing until another admin approves it. */
    propose: (actor: Principal, vendorId: string, input: { pem: string; reason: string }) =>
      proposeRoot(deps, actor, vendorId, input, kind),

    /**
     * pending -> active by an admin independent of the proposer; then the open escalation cases the root
     * answers are settled. The approval is written first and stands even when settling fails (logged).
     */
    approve: (actor: Principal, ref: RootRef, input: { reason: string }, check: VersionCheck) =>
      approve(deps, actor, ref, input, check, kind),

    /** Distrust from `after` on, or for key compromise (every signature); one admin, at once. */
    async distrust(actor: Principal, ref: RootRef, input: DistrustInput, check: VersionCheck) {
      const root = await current(deps, ref, check, kind);
      const now = deps.now();
      return input.keyCompromise
        ? transition(
            deps,
            actor,
            root,
            distrustForKeyCompromise(root, input.after ? new Date(input.after) : null, now),
            `${kind}.distrust.key_compromise`,
            input.reason,
          )
        : transition(
            deps,
            actor,
            root,
            distrustRoot(root, new Date(input.after as string), now),
            `${kind}.distrust`,
            input.reason,
          );
    },

    /** The root anchors nothing from now on; one admin. */
    async retire(actor: Principal, ref: RootRef, input: { reason: string }, check: VersionCheck) {
      const root = await current(deps, ref, check, kind);
      return transition(deps, actor, root, retireRoot(root, deps.now()), `${kind}.retire`, input.reason);
    },
  };
}

/**
 * The one anchor of `kind` that `ref` names; ambiguous when several vendors have it on file and no vendor
 * is given. A root is never acted on through the signer routes, nor a pinned signer through the root
 * routes: the 404 says where it is.
 */
async function findRoot(deps: TrustAdminDeps, ref: RootRef, kind: AnchorKind): Promise<Anchor> {
  const sha256 = normalizeSha256(ref.sha256);
  if (!sha256) throw new TrustgateError('INVALID_FIELD', 'sha256 must be 64 hex digits (colons allowed)');
  const all = (await deps.trust.findAnchorsBySha256(sha256)).filter(
    (a) => !ref.vendor || a.vendorId === ref.vendor,
  );
  const found = all.filter((a) => anchorKind(a) === kind);
  if (found.length === 0) {
    const other = all.find((a) => anchorKind(a) !== kind);
    throw new TrustgateError(
      'NOT_FOUND',
      `no ${NOUN[kind]} ${sha256}${ref.vendor ? ` for vendor '${ref.vendor}'` : ''}` +
        (other
          ? `; vendor '${other.vendorId}' has it as a ${NOUN[anchorKind(other)]} (/${anchorKind(other)}s/${sha256})`
          : ''),
    );
  }
  if (found.length > 1) {
    throw new TrustgateError(
      'ROOT_AMBIGUOUS',
      `${NOUN[kind]} ${sha256} is on file for ${found.map((a) => a.vendorId).join(', ')}; add ?vendor=<id>`,
    );
  }
  return found[0] as Anchor;
}

/** Finds the root and holds it to the caller's precondition. */
async function current(
  deps: TrustAdminDeps,
  ref: RootRef,
  check: VersionCheck,
  kind: AnchorKind,
): Promise<Anchor> {
  const anchor = await findRoot(deps, ref, kind);
  check(anchor.version);
  return anchor;
}

/** Writes the root a transition decided, if it is still at the version read, with its audit entry. */
async function transition(
  deps: TrustAdminDeps,
  actor: Principal,
  stored: Anchor,
  result: Transition,
  action: string,
  reason: string,
): Promise<Anchor> {
  const next = decided(result).anchor;
  await commitAudited(
    (entry) => deps.trust.updateAnchorAudited(next, stored.version, entry),
    {
      action,
      target: { type: 'anchor', id: next.sha256, vendorId: next.vendorId },
      actor: actor.name,
      at: next.updatedAt,
      reason,
      before: anchorState(stored),
      after: anchorState(next),
    },
    {
      code: 'PRECONDITION_FAILED',
      detail: `the ${NOUN[anchorKind(stored)]} changed while this request ran; read it again`,
    },
  );
  return next;
}

/**
 * Where a proposal came from besides the admin's own hands (a candidate root announced by a feed): recorded
 * in the audit entry (`after.proposedFrom`), so the second admin and the log see the provenance.
 */
export type ProposalSource = Record<string, unknown>;

export async function proposeRoot(
  deps: TrustAdminDeps,
  actor: Principal,
  vendorId: string,
  input: { pem: string; reason: string },
  kind: AnchorKind,
  source?: ProposalSource,
): Promise<Anchor> {
  await loadVendor(deps, vendorId);
  const now = deps.now();
  const read = decided(
    kind === 'signer' ? readProposedSigner(input.pem, now) : readProposedRoot(input.pem, now),
  );
  const existing = await deps.trust.getAnchor(vendorId, read.summary.sha256);
  if (existing) {
    // One certificate is one anchor of a vendor: a root and a pinned signer of the same certificate would
    // let one admin pair's decision about the one pass for the other.
    const existingKind = anchorKind(existing);
    throw new TrustgateError(
      'ROOT_DUPLICATE',
      `vendor '${vendorId}' already has this certificate as a ${NOUN[existingKind]} (${existing.state}); see GET /${existingKind}s/${existing.sha256}`,
    );
  }
  const anchor = { ...pendingAnchor(vendorId, read.der, read.summary, actor.name, now), kind };
  const entry = auditEntry(
    `${kind}.propose`,
    { type: 'anchor', id: anchor.sha256, vendorId },
    { actor: actor.name, at: anchor.createdAt, reason: input.reason },
    { before: null, after: source ? { ...anchorState(anchor), proposedFrom: source } : anchorState(anchor) },
  );
  try {
    await deps.trust.insertAnchorAudited(anchor, entry);
  } catch (error) {
    // A concurrent proposal of the same root lost the race on the primary key.
    if (await deps.trust.getAnchor(vendorId, anchor.sha256)) {
      throw new TrustgateError('ROOT_DUPLICATE', `vendor '${vendorId}' already has this certificate`);
    }
    throw error;
  }
  return anchor;
}

async function approve(
  deps: TrustAdminDeps,
  actor: Principal,
  ref: RootRef,
  input: { reason: string },
  check: VersionCheck,
  kind: AnchorKind,
): Promise<Anchor> {
  const root = await current(deps, ref, check, kind);
  const lineage = await approvalLineage(deps, root.proposedBy, actor.name);
  const next = await transition(
    deps,
    actor,
    root,
    approveRoot(root, actor.name, deps.now(), lineage),
    `${kind}.approve`,
    input.reason,
  );
  // Cases are settled by a root (their chain now reaches it); a pinned signer answers only its own
  // certificate's signatures, so its cases are closed by on-call after a re-run (docs/pinned-signers.md).
  if (kind === 'signer') return next;
  try {
    await deps.cases.settleByRoot(
      { vendorId: next.vendorId, spkiSha256: next.spkiSha256, subject: next.subject },
      actor.name,
    );
  } catch (error) {
    console.error(`settling the cases root ${next.sha256} answers failed (the approval stands)`, error);
  }
  return next;
}
