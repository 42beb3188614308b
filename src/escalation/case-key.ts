import type { CaseKind } from './types';

/**
 * At most one open case per (kind, vendor, unreached root). The root is matched by its SPKI SHA-256, so a
 * re-issued certificate of the same key joins the same case.
 */
export function caseKey(vendorId: string, spkiSha256: string, kind: CaseKind = 'unknown-root'): string {
  const spki = spkiSha256.replace(/[\s:]/g, '').toLowerCase();
  return `${kind}/${encodeURIComponent(vendorId)}/${spki}`;
}
