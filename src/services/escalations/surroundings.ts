import type { CaseSurroundings, EscalationCase, OtherVendorRoot } from '../../escalation';
import { anchorKind, type TrustRepository } from '../../trust';

/** Every vendor's active roots, as the trust store has them (what `activeRootsEverywhere` reads). */
export type AllActiveRoots = () => Promise<ReadonlyArray<Omit<OtherVendorRoot, 'match'>>>;

/** Where the surroundings of a case are looked up: the trust store and the feed subscriptions. */
export interface SurroundingsPorts {
  /** Every vendor's active roots: to find another vendor's root that an unknown chain reaches. */
  activeRoots?: AllActiveRoots;
  /** How many advisory feeds a vendor has subscribed (any status). */
  feedCount?: (vendorId: string) => Promise<number>;
}

/**
 * Every vendor's active roots, read again only when the trust store's version moved: a case is rendered on
 * every verification that joins it, and an unauthenticated caller must not make each one read every
 * vendor. Lists read after the version was are at least that new; a change meanwhile bumps it again.
 */
export function activeRootsEverywhere(
  trust: Pick<TrustRepository, 'listVendors' | 'listAnchors' | 'storeVersion'>,
): AllActiveRoots {
  let cached: { version: number; roots: Array<Omit<OtherVendorRoot, 'match'>> } | null = null;
  return async () => {
    const version = await trust.storeVersion();
    if (cached && cached.version === version) return cached.roots;
    const roots: Array<Omit<OtherVendorRoot, 'match'>> = [];
    for (const vendor of await trust.listVendors()) {
      for (const a of await trust.listAnchors(vendor.id)) {
        if (a.state !== 'active' || anchorKind(a) !== 'root') continue;
        roots.push({
          vendorId: vendor.id,
          vendorName: vendor.name,
          sha256: a.sha256,
          spkiSha256: a.spkiSha256,
          subject: a.subject,
        });
      }
    }
    if (!cached || version >= cached.version) cached = { version, roots };
    return roots;
  };
}

/**
 * The active roots of vendors other than the case's that its unknown chain reaches: the top certificate is
 * one (same SHA-256), has its key (same SPKI SHA-256), or names one as its issuer (by name only, as the
 * chain stopped below it). Said to on-call as a likely wrong vendor, never used to trust anything.
 */
export async function otherVendorRoots(
  activeRoots: AllActiveRoots,
  c: Pick<EscalationCase, 'vendorId' | 'top'>,
): Promise<OtherVendorRoot[]> {
  const { top } = c;
  const names = top.issuer !== undefined && top.issuer !== '' && top.issuer !== top.subject;
  const out: OtherVendorRoot[] = [];
  for (const a of await activeRoots()) {
    if (a.vendorId === c.vendorId) continue;
    const match =
      a.sha256 === top.sha256
        ? 'certificate'
        : a.spkiSha256 === top.spkiSha256
          ? 'key'
          : names && a.subject === top.issuer
            ? 'issuer'
            : null;
    if (match) out.push({ ...a, match });
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
  if (!ports.activeRoots && !ports.feedCount) return undefined;
  return {
    otherVendorRoots:
      ports.activeRoots && c.kind === 'unknown-root' ? await otherVendorRoots(ports.activeRoots, c) : [],
    feedsOnFile: ports.feedCount ? await ports.feedCount(c.vendorId) : null,
  };
}
