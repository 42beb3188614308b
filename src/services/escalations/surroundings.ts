import type { CaseSurroundings, EscalationCase, OtherVendorRoot } from '../../escalation';
import { anchorKind, type TrustRepository } from '../../trust';

/** Where the surroundings of a case are looked up: the trust store and the feed subscriptions. */
export interface SurroundingsPorts {
  /** Every vendor's anchors: to find another vendor's active root that an unknown chain reaches. */
  roots?: Pick<TrustRepository, 'listVendors' | 'listAnchors'>;
  /** How many advisory feeds a vendor has subscribed (any status). */
  feedCount?: (vendorId: string) => Promise<number>;
}

/**
 * The active roots of vendors other than the case's that its unknown chain reaches: the top certificate is
 * one (same SHA-256), has its key (same SPKI SHA-256), or names one as its issuer (by name only, as the
 * chain stopped below it). Said to on-call as a likely wrong vendor, never used to trust anything.
 */
export async function otherVendorRoots(
  roots: NonNullable<SurroundingsPorts['roots']>,
  c: Pick<EscalationCase, 'vendorId' | 'top'>,
): Promise<OtherVendorRoot[]> {
  const { top } = c;
  const names = top.issuer !== undefined && top.issuer !== '' && top.issuer !== top.subject;
  const out: OtherVendorRoot[] = [];
  for (const vendor of await roots.listVendors()) {
    if (vendor.id === c.vendorId) continue;
    for (const a of await roots.listAnchors(vendor.id)) {
      if (a.state !== 'active' || anchorKind(a) !== 'root') continue;
      const match =
        a.sha256 === top.sha256
          ? 'certificate'
          : a.spkiSha256 === top.spkiSha256
            ? 'key'
            : names && a.subject === top.issuer
              ? 'issuer'
              : null;
      if (!match) continue;
      out.push({
        vendorId: vendor.id,
        vendorName: vendor.name,
        sha256: a.sha256,
        spkiSha256: a.spkiSha256,
        subject: a.subject,
        match,
      });
    }
  }
  return out;
}

/**
 * The surroundings of `c` as far as the ports tell: other vendors' roots for an unknown-root case (the
 * root the chain did not reach is the question), and the vendor's feed count. Undefined without ports.
 */
export async function caseSurroundings(
  ports: SurroundingsPorts,
  c: EscalationCase,
): Promise<CaseSurroundings | undefined> {
  if (!ports.roots && !ports.feedCount) return undefined;
  return {
    otherVendorRoots: ports.roots && c.kind === 'unknown-root' ? await otherVendorRoots(ports.roots, c) : [],
    feedsOnFile: ports.feedCount ? await ports.feedCount(c.vendorId) : null,
  };
}
