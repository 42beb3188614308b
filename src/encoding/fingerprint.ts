/**
 * Fingerprints as people paste them: `AB:CD:...` (openssl), `ab cd ...`, or plain hex, in either case.
 * Every store key and comparison uses the lower-case hex without separators.
 */

/** `value` without colons and whitespace, lower-cased; it is not checked to be hex. */
export function stripFingerprint(value: string): string {
  return value.replace(/[:\s]/g, '').toLowerCase();
}

/** Lower-case hex without separators, or null when `value` is not an even-length, non-empty hex string. */
export function normalizeHexFingerprint(value: string): string | null {
  const hex = stripFingerprint(value);
  return hex.length > 0 && hex.length % 2 === 0 && /^[0-9a-f]+$/.test(hex) ? hex : null;
}

/** A SHA-256 fingerprint (64 hex digits once separators are left out), or null. */
export function normalizeSha256(value: string): string | null {
  const hex = stripFingerprint(value);
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
