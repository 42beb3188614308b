import {
  type BlockedVerification,
  type CaseKind,
  caseRoot,
  decideOpening,
  type EscalationCase,
  type EscalationLimits,
  openOrJoin,
  openOrJoinOverflow,
  overflowKindOf,
  type RenderedCase,
  rememberedRejection,
  type StoredCase,
  type TopRootRefusal,
  verdictEscalation,
} from '../../escalation';
import type { Anchor } from '../../trust';
import { rootRefusal } from '../../trust/root-proposal';
import { INTEGRITY_REASONS, isParseError, parseCertificate, type VerifyOutcome } from '../../verify';
import type { Escalator } from '../verification';
import type { CaseAudit } from './audit';
import type { EscalationDeps, NewId } from './deps';
import type { CaseNotifier } from './webhook';

/** Tries of a verification's escalation: optimistic joins first, then atomic counts (see `joinCase`). */
const MAX_ESCALATION_ATTEMPTS = 5;
const OPTIMISTIC_JOINS = 2;

/**
 * Which playbook a verdict calls for, or none: an unknown root or a trust decision (a distrusted root, an
 * expired signer chain) needs on-call; a package whose signature does not hold is simply refused.
 */
export function caseKindFor(outcome: VerifyOutcome): CaseKind | null {
  if (outcome.verdict === 'trusted' || outcome.chain.length === 0) return null;
  if (
    outcome.reasons.some(
      (r) => INTEGRITY_REASONS.has(r.code) || r.code.startsWith('JAR_') || r.code.startsWith('ZIP_'),
    )
  ) {
    return null;
  }
  if (outcome.verdict === 'unknown_root') return 'unknown-root';
  const codes = new Set<string>(outcome.reasons.map((r) => r.code));
  if (codes.has('ANCHOR_DISTRUSTED')) return 'distrusted-root';
  if (codes.has('CERT_EXPIRED') && outcome.anchorId !== null) return 'expired-signer-chain';
  return null;
}

/**
 * Whether admins decided about the root since on-call rejected it (a root of its key, or the root its top
 * certificate names as issuer, changed after the rejection: approved, distrusted, retired): their decision
 * is the newer word, so the rejection is no longer what a verification is refused with.
 */
export function supersededByAdmins(
  rejectedAt: string,
  top: { spkiSha256: string; subject: string; issuer?: string },
  anchors: readonly Pick<Anchor, 'spkiSha256' | 'subject' | 'state' | 'updatedAt'>[],
): boolean {
  const issuer = top.issuer !== undefined && top.issuer !== top.subject ? top.issuer : undefined;
  return anchors.some(
    (a) =>
      a.state !== 'pending' &&
      (a.spkiSha256 === top.spkiSha256 || (issuer !== undefined && a.subject === issuer)) &&
      a.updatedAt > rejectedAt,
  );
}

/**
 * Why the top certificate of an unknown-root verdict could not be approved as a root now, by the admin
 * API's own rule (`rootRefusal`), so that the checklist never sends on-call to propose a root the API
 * refuses. Nothing when it could be, or when the verdict does not carry the top certificate's DER.
 */
export function topRootRefusal(
  kind: CaseKind,
  outcome: VerifyOutcome,
  now: Date,
): { rootRefusal?: TopRootRefusal } {
  if (kind !== 'unknown-root' || !outcome.topDer) return {};
  const certificate = parseCertificate(outcome.topDer, { trustAnchor: true });
  if (isParseError(certificate)) {
    return {
      rootRefusal: {
        code: 'INVALID_CERTIFICATE',
        detail: `the certificate cannot be used as a root: ${certificate.error.message}`,
        remedy: 'full-chain',
      },
    };
  }
  const refusal = rootRefusal(certificate, now);
  return refusal
    ? { rootRefusal: { code: refusal.code, detail: refusal.detail, remedy: refusal.remedy } }
    : {};
}

export interface OpeningDeps extends Pick<EscalationDeps, 'cases' | 'playbooks' | 'now'> {
  limits: EscalationLimits;
  newId: NewId;
  render: (c: EscalationCase) => Promise<RenderedCase>;
  audit: CaseAudit;
  notify: CaseNotifier;
}

/**
 * The escalation of a blocked /verify: opens the case for this vendor and root, or joins the open one,
 * retrying lost races. A new case of a budgeted kind needs a slot of the vendor's opening budget; past it,
 * the verification is counted on the vendor's overflow case. Joins write no audit row and send no webhook:
 * only openings and resolutions do.
 */
export function createEscalator(deps: OpeningDeps): Escalator {
  return async ({ vendor, outcome, artifactDigest, at, caller, anchors = [] }) => {
    const kind = caseKindFor(outcome);
    const top = outcome.top ?? outcome.chain[outcome.chain.length - 1];
    if (!kind || !top) return null;
    const event: BlockedVerification = {
      newCaseId: deps.newId('esc'),
      kind,
      vendorId: vendor.id,
      top: {
        subject: top.subject,
        sha256: top.sha256,
        spkiSha256: top.spkiSha256,
        issuer: top.issuer,
        ...topRootRefusal(kind, outcome, deps.now()),
      },
      chain: outcome.chain,
      artifactDigest,
      at,
      stepCount: deps.playbooks[kind].steps.length,
      ...(caller ? { caller: { ...caller, at: at.toISOString() } } : {}),
    };
    const reason = `${outcome.verdict}: ${outcome.reasons[0]?.message ?? ''}`;
    const overflowKind = overflowKindOf(kind);
    const root = caseRoot(kind, top.spkiSha256);
    // On-call's last word on this root was a rejection: refuse with a pointer to it, open nothing, page no one.
    const decided = await deps.cases.findLatestResolved(vendor.id, root, kind);
    const rejection = decided ? rememberedRejection(decided) : undefined;
    if (decided && rejection && !supersededByAdmins(rejection.at, decided.top, anchors)) {
      return { ...verdictEscalation(decided, await deps.render(decided)), rejection };
    }
    for (let attempt = 0; attempt < MAX_ESCALATION_ATTEMPTS; attempt++) {
      const existing = await deps.cases.findOpen(vendor.id, root, kind);
      if (existing) {
        const joined = await joinCase(deps, existing, (c) => openOrJoin(c, event).case, attempt, at);
        if (joined) return verdictEscalation(joined, await deps.render(joined));
        continue;
      }
      if (overflowKind && !(await claimOpening(deps, vendor.id, kind, root, event.newCaseId))) {
        return overflow(deps, event, overflowKind, reason);
      }
      const { case: next } = openOrJoin(undefined, event);
      // Lost to a concurrent opening of the same root (which holds the one slot): the next attempt joins it.
      if (await deps.cases.insert(next)) return opened(deps, next, reason);
    }
    throw new Error(
      `escalation case for ${vendor.id}/${top.spkiSha256} kept changing under concurrent updates`,
    );
  };
}

/**
 * Joins the open case `stored` with one more blocked verification: the whole case (latest chain, digest,
 * overflow tally) while the optimistic update wins, then only its counts in one atomic statement, so a
 * hot case under many concurrent requests still counts every one of them. Null: try again from the top.
 */
async function joinCase(
  deps: OpeningDeps,
  stored: StoredCase,
  join: (c: EscalationCase) => EscalationCase,
  attempt: number,
  at: Date,
): Promise<EscalationCase | null> {
  if (attempt < OPTIMISTIC_JOINS) {
    const next = join(stored.case);
    return (await deps.cases.update(next, stored.version)) ? next : null;
  }
  return (await deps.cases.countBlocked(stored.case.id, at.toISOString()))?.case ?? null;
}

/**
 * Whether a new case for `root` may open: a slot of the vendor's opening budget for `kind` claimed at the
 * service's own time (or one the root already holds). A lost compare-and-set means another request took
 * that slot: read again, as the next round may find a free one or this root's claim. Each round at least
 * one request wins, so `newCasesPerVendor + 1` rounds are enough; false when the budget is spent.
 */
async function claimOpening(
  deps: OpeningDeps,
  vendorId: string,
  kind: CaseKind,
  root: string,
  caseId: string,
) {
  for (let round = 0; round <= deps.limits.newCasesPerVendor; round++) {
    const now = deps.now();
    const decision = decideOpening(await deps.cases.openingSlots(vendorId, kind), deps.limits, now, root);
    if (!decision.open) return false;
    if (decision.claim === null) return true;
    const claimed = await deps.cases.claimOpeningSlot({
      vendorId,
      kind,
      ...decision.claim,
      claimedAt: now.toISOString(),
      root,
      caseId,
    });
    if (claimed) return true;
  }
  return false;
}

async function opened(deps: OpeningDeps, c: EscalationCase, reason: string) {
  await deps.audit('escalation.open', c, 'verify', reason, null);
  deps.notify('escalation.opened', c);
  return verdictEscalation(c, await deps.render(c));
}

/** Counts a verification past the vendor's budget on its overflow case, opening that case once. */
async function overflow(
  deps: OpeningDeps,
  event: BlockedVerification,
  overflowKind: CaseKind,
  reason: string,
) {
  const { limits } = deps;
  const overflowEvent: BlockedVerification = {
    ...event,
    kind: overflowKind,
    newCaseId: deps.newId('esc'),
    stepCount: deps.playbooks[overflowKind].steps.length,
  };
  for (let attempt = 0; attempt < MAX_ESCALATION_ATTEMPTS; attempt++) {
    const existing = await deps.cases.findOpen(
      event.vendorId,
      caseRoot(overflowKind, event.top.spkiSha256),
      overflowKind,
    );
    if (existing) {
      const joined = await joinCase(
        deps,
        existing,
        (c) => openOrJoinOverflow(c, overflowEvent, limits).case,
        attempt,
        event.at,
      );
      if (joined) return verdictEscalation(joined, await deps.render(joined));
      continue;
    }
    const { case: next } = openOrJoinOverflow(undefined, overflowEvent, limits);
    if (await deps.cases.insert(next)) {
      return opened(
        deps,
        next,
        `more than ${limits.newCasesPerVendor} new unknown roots for vendor ${event.vendorId} within ${limits.windowSeconds} s; ${reason}`,
      );
    }
  }
  throw new Error(`overflow case for ${event.vendorId} kept changing under concurrent updates`);
}
