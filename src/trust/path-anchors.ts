import type { PathAnchor } from '../verify';
import type { Anchor } from './model';

/**
 * The anchors a path may end at: active roots, and distrusted roots limited to signatures made before
 * their distrustAfter date (the verifier compares it with the signer's notBefore or a trusted timestamp,
 * never with the wall clock). Pending and retired roots anchor nothing.
 */
export function pathAnchorsOf(anchors: Anchor[]): PathAnchor[] {
  const usable: PathAnchor[] = [];
  for (const anchor of anchors) {
    if (anchor.state === 'active') usable.push({ id: anchor.sha256, der: anchor.der });
    if (anchor.state === 'distrusted' && anchor.distrustAfter) {
      usable.push({ id: anchor.sha256, der: anchor.der, distrustAfter: new Date(anchor.distrustAfter) });
    }
  }
  return usable;
}
