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

export function applyRevocationPolicy(
  path: PathOutcome,
  policy: RevocationPolicy,
  options: { crlsChecked: boolean },
): { path: PathOutcome; warnings: Reason[] } {
  if (policy === 'require' || path.status !== 'invalid') return { path, warnings: [] };
  const unavailable = path.reasons.filter((r) => r.code === 'REVOCATION_UNAVAILABLE');
  if (unavailable.length === 0) return { path, warnings: [] };
  const rest = path.reasons.filter((r) => r.code !== 'REVOCATION_UNAVAILABLE');
  const warnings = options.crlsChecked
    ? unavailable
    : [
        reason(
          'REVOCATION_UNAVAILABLE',
          'no CRL was carried, uploaded or fetched for this chain: revocation was not checked',
        ),
      ];
  return {
    path:
      rest.length === 0
        ? { status: 'valid', path: path.path, anchor: path.anchor }
        : { ...path, reasons: rest },
    warnings,
  };
}
