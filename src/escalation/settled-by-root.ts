import { normaliseHex } from './fingerprint';
import type { EscalationCase } from './types';

/** A root that an admin just approved (made active) for a vendor. */
export interface ApprovedRoot {
  vendorId: string;
  spkiSha256: string;
  subject: string;
}

/**
 * The open cases that approving `root` settles: the vendor's cases whose top certificate is that root (same
 * SPKI SHA-256) or was issued by it (the top's issuer is the root's subject: the chain stopped one below an
 * unknown root). The platform resolves each as `approved`; a chain that still does not verify simply opens
 * a new case at the next `/verify`. The overflow case stands for many roots: a person closes it.
 */
export function casesSettledByRoot(
  openCases: readonly EscalationCase[],
  root: ApprovedRoot,
): EscalationCase[] {
  const spki = normaliseHex(root.spkiSha256);
  return openCases.filter(
    (c) =>
      c.state === 'open' &&
      c.kind !== 'unknown-root-overflow' &&
      c.vendorId === root.vendorId &&
      ((spki !== undefined && normaliseHex(c.top.spkiSha256) === spki) ||
        (c.top.issuer !== undefined && c.top.issuer !== c.top.subject && c.top.issuer === root.subject)),
  );
}
