import { isParseError } from './certificate';
import { parseCertificateMemo } from './certificate-memo';
import type { PathAnchor, PathOutcome, PathRequest } from './path';
import { reason } from './reasons';

/**
 * Key-compromise distrust follows the key, not one certificate (test/attacks/key-compromise.test.ts): an
 * anchor (root or pinned signer) distrusted for key compromise means its private key is in other hands,
 * and whoever holds it also holds every certificate ever issued for that key: a renewal that kept the
 * key, a cross-certificate from another CA. A path in which any certificate carries a compromised
 * anchor's key (by SPKI) is refused with ANCHOR_DISTRUSTED, whichever anchor it ends at; the anchor's own
 * ANCHOR_DISTRUSTED (validate.ts, pinned-signer.ts) covers a path through that very certificate.
 */
export const withCompromisedKeys =
  (validate: (request: PathRequest) => Promise<PathOutcome>) =>
  async (request: PathRequest): Promise<PathOutcome> => {
    const outcome = await validate(request);
    const compromised = compromisedKeys(request.anchors);
    // Only a path that reaches an anchor of the store: one that reaches none is not trusted anyway, and
    // its top is the presenter's choice, so it stays an unknown root (a budgeted escalation) rather than
    // a distrusted-root case (unbudgeted: its top is meant to be a root the store holds) per self-made top.
    if (compromised.size === 0 || outcome.status === 'no_anchor') return outcome;
    if (outcome.status === 'invalid' && outcome.reasons.some((r) => r.code === 'ANCHOR_DISTRUSTED'))
      return outcome;
    const hit = outcome.path.find((c) => compromised.has(c.spkiSha256Hex));
    if (!hit) return outcome;
    const distrusted = reason(
      'ANCHOR_DISTRUSTED',
      `"${hit.subject}" certifies the key of anchor ${compromised.get(hit.spkiSha256Hex)}, distrusted for key compromise: no certificate for that key is trusted`,
    );
    return outcome.status === 'valid'
      ? { status: 'invalid', path: outcome.path, anchor: outcome.anchor, reasons: [distrusted] }
      : { ...outcome, reasons: [...outcome.reasons, distrusted] };
  };

/** SPKI sha256 (hex) of each anchor distrusted for key compromise, to the anchor's id. */
function compromisedKeys(anchors: readonly PathAnchor[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const anchor of anchors) {
    if (!anchor.keyCompromised) continue;
    const cert = parseCertificateMemo(anchor.der);
    if (!isParseError(cert)) keys.set(cert.spkiSha256Hex, anchor.id);
  }
  return keys;
}
