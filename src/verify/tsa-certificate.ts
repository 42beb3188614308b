import { bytesEqual } from '../encoding';
import type { ParsedCertificate } from './certificate';
import { withCompromisedKeys } from './compromised-keys';
import { buildAndValidatePath, type PathAnchor } from './path';
import { type Reason, reason } from './reasons';

/**
 * What a timestamp authority's certificate must pass before its time is believed, alike for the signer of
 * an RFC 3161 token and for the signer of a legacy PKCS#9 countersignature (Authenticode `signtool /t`).
 *
 * RFC 3161 §2.3: the TSA certificate has exactly one extended key usage, timeStamping, in a critical
 * extension. Legacy Authenticode timestamps predate RFC 3161, but the certificates that Microsoft's and
 * DigiCert's legacy timestamp services sign with carry the same (timeStamping as their one, critical EKU),
 * and Windows takes a timestamp certificate only with id-kp-timeStamping: so the rule is the same, and a
 * code-signing certificate cannot vouch for its own time. The chain then reaches a TSA anchor at the
 * stamped time, with EKU timeStamping.
 */

export const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';
const EXT_KEY_USAGE = '2.5.29.37';

export interface TsaCheck {
  tsa: ParsedCertificate;
  /** Certificates the chain may go through (the carrying envelope's, the TSA's own left out). */
  pool: readonly Uint8Array[];
  anchors: PathAnchor[];
  /** The stamped time: the chain must hold then. */
  time: Date;
  limits: { maxPathDepth: number; maxSignatureChecks: number };
  subtle: SubtleCrypto;
}

/** Null when the TSA is trusted at `time`; otherwise TIMESTAMP_UNTRUSTED saying why. */
export async function tsaTrustReason(check: TsaCheck): Promise<Reason | null> {
  const { tsa, time } = check;
  const eku = tsa.rawExtensions.find((e) => e.oid === EXT_KEY_USAGE);
  const purposes = tsa.extensions.extKeyUsage ?? [];
  if (!eku?.critical || purposes.length !== 1 || purposes[0] !== TIME_STAMPING_EKU) {
    return reason(
      'TIMESTAMP_UNTRUSTED',
      `the TSA certificate "${tsa.subject}" does not have exactly one critical EKU, timeStamping`,
    );
  }
  const path = await withCompromisedKeys(buildAndValidatePath)({
    leaf: tsa.der,
    intermediates: check.pool.filter((der) => !bytesEqual(der, tsa.der)),
    anchors: check.anchors,
    time,
    requiredEku: [TIME_STAMPING_EKU],
    leafKeyUsage: ['digitalSignature'],
    limits: { maxDepth: check.limits.maxPathDepth, maxSignatureChecks: check.limits.maxSignatureChecks },
    subtle: check.subtle,
  });
  if (path.status === 'valid') return null;
  const why = path.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
  return reason(
    'TIMESTAMP_UNTRUSTED',
    `the TSA "${tsa.subject}" is not trusted at ${time.toISOString()}: ${why}`,
  );
}
