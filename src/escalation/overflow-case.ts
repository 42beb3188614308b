import { type BlockedVerification, type OpenOrJoinResult, openOrJoin } from './case-lifecycle';
import { normaliseHex } from './fingerprint';
import type { EscalationLimits } from './opening-budget';
import type { EscalationCase, OverflowRoot, OverflowTally, TopCertificate } from './types';

/**
 * The vendor's overflow case: one open case that counts the unknown roots seen past the opening budget,
 * so that a flood is reported once (one case, one webhook, one audit row) and counted, never dropped.
 */

const laterOf = (a: string, b: string) => (a > b ? a : b);
const earlierOf = (a: string, b: string) => (a < b ? a : b);
const rootId = (spki: string) => normaliseHex(spki) ?? spki.trim().toLowerCase();

/**
 * `roots` after one more verification under `top`: its entry counted, or a new entry. When the list is
 * full, the entry with the fewest verifications (the least recently seen among equals) makes room: a root
 * that real pipelines keep retrying stays listed while one-off minted roots come and go. The counts of an
 * entry that leaves are still in the case's `verificationsBlocked`.
 */
export function tallyRoot(
  roots: readonly OverflowRoot[],
  top: TopCertificate,
  at: string,
  maxListed: number,
): OverflowRoot[] {
  const id = rootId(top.spkiSha256);
  const index = roots.findIndex((r) => rootId(r.spkiSha256) === id);
  if (index >= 0) {
    return roots.map((r, i) =>
      i === index
        ? {
            ...r,
            subject: top.subject,
            sha256: top.sha256,
            verifications: r.verifications + 1,
            firstSeen: earlierOf(r.firstSeen, at),
            lastSeen: laterOf(r.lastSeen, at),
          }
        : r,
    );
  }
  const kept = [...roots];
  while (kept.length >= Math.max(1, maxListed)) {
    let evict = 0;
    kept.forEach((r, i) => {
      const e = kept[evict] as OverflowRoot;
      if (
        r.verifications < e.verifications ||
        (r.verifications === e.verifications && r.lastSeen < e.lastSeen)
      ) {
        evict = i;
      }
    });
    kept.splice(evict, 1);
  }
  kept.push({
    subject: top.subject,
    sha256: top.sha256,
    spkiSha256: top.spkiSha256,
    verifications: 1,
    firstSeen: at,
    lastSeen: at,
  });
  return kept;
}

/**
 * The vendor's overflow case after one more suppressed verification: `existing` (the open overflow case,
 * if any) joined, or a new one opened with `event.newCaseId`. `event.kind` must be the overflow kind.
 */
export function openOrJoinOverflow(
  existing: EscalationCase | undefined,
  event: BlockedVerification,
  limits: EscalationLimits,
): OpenOrJoinResult {
  const result = openOrJoin(existing, event);
  const previous = result.change === 'joined' ? (existing?.overflow?.roots ?? []) : [];
  const overflow: OverflowTally = {
    newCasesPerVendor: limits.newCasesPerVendor,
    windowSeconds: limits.windowSeconds,
    roots: tallyRoot(previous, event.top, event.at.toISOString(), limits.overflowRootsListed),
  };
  return { change: result.change, case: { ...result.case, overflow } };
}

/** What the overflow case says about itself, for the verdict, the webhook and the playbook. */
export interface OverflowView {
  /** Verifications counted here instead of opening a case (the case's `verificationsBlocked`). */
  verificationsSuppressed: number;
  newCasesPerVendor: number;
  windowSeconds: number;
  /** Listed roots, most verifications first (then first seen first). */
  roots: OverflowRoot[];
  /** Suppressed verifications not attributed to a listed root (roots pushed off the list). */
  unlistedVerifications: number;
}

export function overflowView(c: Pick<EscalationCase, 'verificationsBlocked' | 'overflow'>): OverflowView {
  const roots = [...(c.overflow?.roots ?? [])].sort(
    (a, b) =>
      b.verifications - a.verifications ||
      (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0),
  );
  const listed = roots.reduce((n, r) => n + r.verifications, 0);
  return {
    verificationsSuppressed: c.verificationsBlocked,
    newCasesPerVendor: c.overflow?.newCasesPerVendor ?? 0,
    windowSeconds: c.overflow?.windowSeconds ?? 0,
    roots,
    unlistedVerifications: Math.max(0, c.verificationsBlocked - listed),
  };
}
