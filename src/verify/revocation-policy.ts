import type { PathOutcome } from './path';
import { type Reason, reason } from './reasons';

/**
 * What a vendor's policy does when revocation information cannot be had (RFC 5280 §6.3 gives no usable
 * CRL for a certificate of the path):
 * - `require`: the path fails with REVOCATION_UNAVAILABLE, also when no CRL at all was supplied;
 * - `best-effort`: whatever CRLs there are are checked (a revoked certificate still fails the path with
 *   CERT_REVOKED), and what they cannot cover becomes a warning.
 * For a timestamped signature the path judges CRLs current at the verification time (`revocationTime`),
 * so "unavailable" means the same for it as for any other signature.
 */
export type RevocationPolicy = 'require' | 'best-effort';

export const DEFAULT_REVOCATION_POLICY: RevocationPolicy = 'best-effort';

/** The CRLs the path is given: none at all (no check) only under best-effort with nothing to check. */
export function crlsForPath(policy: RevocationPolicy, crls: Uint8Array[]): Uint8Array[] | undefined {
  return policy === 'require' || crls.length > 0 ? crls : undefined;
}

export function applyRevocationPolicy(
  path: PathOutcome,
  policy: RevocationPolicy,
  options: { crlsChecked: boolean },
): { path: PathOutcome; warnings: Reason[] } {
  if (policy === 'require') return { path, warnings: [] };
  if (!options.crlsChecked) {
    return {
      path,
      warnings: [
        reason('REVOCATION_UNAVAILABLE', 'no CRL was supplied or uploaded: revocation was not checked'),
      ],
    };
  }
  if (path.status !== 'invalid') return { path, warnings: [] };
  const unavailable = path.reasons.filter((r) => r.code === 'REVOCATION_UNAVAILABLE');
  if (unavailable.length === 0) return { path, warnings: [] };
  const rest = path.reasons.filter((r) => r.code !== 'REVOCATION_UNAVAILABLE');
  return {
    path:
      rest.length === 0
        ? { status: 'valid', path: path.path, anchor: path.anchor }
        : { ...path, reasons: rest },
    warnings: unavailable,
  };
}
