import type { PathAnchor } from '../verify';
import type { Anchor } from './model';

/**
 * The anchors a path may end at: active roots, and distrusted roots limited to signatures made before
 * their distrustAfter date (the verifier compares it with the signer's notBefore or a trusted timestamp,
 * never with the wall clock). A root distrusted for key compromise anchors no signature, but it still ends
 * the path (retired since or not), so the verdict names it (ANCHOR_DISTRUSTED) instead of an unknown root
 * someone could be talked into approving. Other pending and retired roots anchor nothing.
 */
export function pathAnchorsOf(anchors: Anchor[]): PathAnchor[] {
  const usable: PathAnchor[] = [];
  for (const anchor of anchors) {
    if (anchor.keyCompromise) {
      usable.push({
        id: anchor.sha256,
        der: anchor.der,
        keyCompromised: true,
        // Kept as a second limit: the verifier checks keyCompromised first.
        ...(anchor.distrustAfter ? { distrustAfter: new Date(anchor.distrustAfter) } : {}),
      });
      continue;
    }
    if (anchor.state === 'active') usable.push({ id: anchor.sha256, der: anchor.der });
    if (anchor.state === 'distrusted' && anchor.distrustAfter) {
      usable.push({ id: anchor.sha256, der: anchor.der, distrustAfter: new Date(anchor.distrustAfter) });
    }
  }
  return usable;
}
