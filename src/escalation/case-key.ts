import { stripFingerprint } from '../encoding';
import type { CaseKind } from './types';

/** The kinds that gather many roots into one case per vendor (see `opening-budget.ts`). */
const PER_VENDOR_KINDS: ReadonlySet<CaseKind> = new Set(['unknown-root-overflow']);

/** What a per-vendor case is keyed by instead of a root: one open case per vendor and kind. */
export const ANY_ROOT = '*';

/**
 * The root a case of `kind` is keyed by: the top certificate's SPKI SHA-256, or `ANY_ROOT` for a kind that
 * gathers every root of the vendor (the overflow case). The repository stores and looks cases up by it.
 */
export function caseRoot(kind: CaseKind, spkiSha256: string): string {
  return PER_VENDOR_KINDS.has(kind) ? ANY_ROOT : spkiSha256;
}

/**
 * At most one open case per (kind, vendor, unreached root). The root is matched by its SPKI SHA-256, so a
 * re-issued certificate of the same key joins the same case; an overflow case is one per vendor.
 */
export function caseKey(vendorId: string, spkiSha256: string, kind: CaseKind = 'unknown-root'): string {
  const spki = stripFingerprint(caseRoot(kind, spkiSha256));
  return `${kind}/${encodeURIComponent(vendorId)}/${spki}`;
}
