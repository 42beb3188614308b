import type { PathAnchor } from '../verify';
import { type Anchor, anchorKind } from './model';

/**
 * The anchors a path may end at: active roots, and distrusted roots limited to signatures made before
 * their distrustAfter date (the verifier compares it with the signer's notBefore or a trusted timestamp,
 * never with the wall clock). A root distrusted for key compromise anchors no signature, but it still ends
 * the path (retired since or not), so the verdict names it (ANCHOR_DISTRUSTED) instead of an unknown root
 * someone could be talked into approving. Other pending and retired roots anchor nothing.
 *
 * Pinned signers (kind `signer`) pass through by the same rules, marked as such: the verifier trusts one
 * as its own certificate's signer and never as the anchor of a path (verify/pinned-signer.ts).
 */
export function pathAnchorsOf(anchors: Anchor[]): PathAnchor[] {
  const usable: PathAnchor[] = [];
  for (const anchor of anchors) {
    const kind = anchorKind(anchor) === 'signer' ? { kind: 'signer' as const } : {};
    if (anchor.keyCompromise) {
      usable.push({
        id: anchor.sha256,
        der: anchor.der,
        ...kind,
        keyCompromised: true,
        // Kept as a second limit: the verifier checks keyCompromised first.
        ...(anchor.distrustAfter ? { distrustAfter: new Date(anchor.distrustAfter) } : {}),
      });
      continue;
    }
    if (anchor.state === 'active') usable.push({ id: anchor.sha256, der: anchor.der, ...kind });
    if (anchor.state === 'distrusted' && anchor.distrustAfter) {
      usable.push({
        id: anchor.sha256,
        der: anchor.der,
        ...kind,
        distrustAfter: new Date(anchor.distrustAfter),
      });
    }
  }
  return usable;
}
