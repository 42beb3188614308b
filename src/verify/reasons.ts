/**
 * Reason codes that a verdict carries. They are part of the public contract (pipelines gate on them):
 * add codes, never rename or reuse one. Each has a one-line meaning in docs/reason-codes.md.
 */
export const REASON_CODES = [
  // integrity of the envelope
  'DIGEST_MISMATCH',
  'MESSAGE_DIGEST_MISSING',
  'CONTENT_TYPE_MISMATCH',
  'CONTENT_TYPE_UNSUPPORTED',
  'SIGNATURE_INVALID',
  'SIGNATURE_ENCODING_INVALID',
  'SIGNER_CERT_NOT_FOUND',
  'SIGNER_CERT_AMBIGUOUS',
  'CONTENT_REQUIRED',
  // algorithm policy
  'WEAK_DIGEST_ALGORITHM',
  'WEAK_SIGNATURE_ALGORITHM',
  'WEAK_RSA_KEY',
  'UNSUPPORTED_CURVE',
  'UNSUPPORTED_ALGORITHM',
  // certificate path
  'CERT_MALFORMED',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_INVALID',
  'NOT_A_CA',
  'PATH_LENGTH_EXCEEDED',
  'CA_KEY_USAGE_MISSING',
  'SIGNER_KEY_USAGE_INVALID',
  'SIGNER_EKU_MISSING',
  'SIGNER_IS_CA',
  'UNKNOWN_CRITICAL_EXTENSION',
  'DUPLICATE_EXTENSION',
  'NAME_CONSTRAINTS_VIOLATED',
  'POLICY_CONSTRAINTS_VIOLATED',
  'CERT_REVOKED',
  'REVOCATION_UNAVAILABLE',
  'PATH_BUDGET_EXCEEDED',
  'ANCHOR_DISTRUSTED',
  // anchoring
  'UNKNOWN_ROOT',
  'SIGNER_IDENTITY_MISMATCH',
  // escalation (issue 18): on-call resolved the case of this root as rejected; the verdict is rejected
  'ESCALATION_REJECTED',
  // signed ZIP/JAR archives
  'JAR_UNSIGNED',
  'JAR_ENTRY_NOT_SIGNED',
  'JAR_ENTRY_MISSING',
  'JAR_ENTRY_DIGEST_MISMATCH',
  'JAR_MANIFEST_DIGEST_MISMATCH',
  'JAR_MANIFEST_INVALID',
  'JAR_SIGNATURE_FILE_MISPLACED',
  'ZIP_DUPLICATE_ENTRY',
  'ZIP_HEADER_MISMATCH',
  'ZIP_ENTRY_NAME_INVALID',
  'ZIP_ENTRY_CORRUPT',
  // RFC 3161 timestamps
  'TIMESTAMP_INVALID',
  'TIMESTAMP_IMPRINT_MISMATCH',
  'TIMESTAMP_UNTRUSTED',
  'TIMESTAMP_OUTSIDE_VALIDITY',
  // Authenticode (PE images: src/verify/authenticode, docs/authenticode.md)
  'AUTHENTICODE_UNSIGNED',
  'AUTHENTICODE_PE_MALFORMED',
  'AUTHENTICODE_TABLE_MALFORMED',
  'AUTHENTICODE_ENTRY_UNREADABLE',
  'AUTHENTICODE_CONTENT_INVALID',
  'AUTHENTICODE_DIGEST_ALGORITHM_MISMATCH',
  'AUTHENTICODE_IMAGE_HASH_MISMATCH',
  // Authenticode cabinets (src/verify/authenticode/cab.ts, docs/authenticode.md)
  'AUTHENTICODE_CAB_MALFORMED',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  code: ReasonCode;
  message: string;
}

export const reason = (code: ReasonCode, message: string): Reason => ({ code, message });

/**
 * Reasons that say a signature's bytes are not what its signer made, or that it cannot be read or checked
 * at all: the content or image differs, the signature does not verify, the signer certificate is missing
 * or ambiguous, the Authenticode entry or content is not one. Such a signature proves nothing, so it is
 * never escalated to on-call (services/escalations/opening.ts), and in a signed PE file or cabinet it
 * rejects the file whatever its other signatures say (authenticode/verify-authenticode.ts).
 */
export const INTEGRITY_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'DIGEST_MISMATCH',
  'MESSAGE_DIGEST_MISSING',
  'CONTENT_TYPE_MISMATCH',
  'CONTENT_TYPE_UNSUPPORTED',
  'SIGNATURE_INVALID',
  'SIGNATURE_ENCODING_INVALID',
  'SIGNER_CERT_NOT_FOUND',
  'SIGNER_CERT_AMBIGUOUS',
  'AUTHENTICODE_ENTRY_UNREADABLE',
  'AUTHENTICODE_CONTENT_INVALID',
  'AUTHENTICODE_DIGEST_ALGORITHM_MISMATCH',
  'AUTHENTICODE_IMAGE_HASH_MISMATCH',
]);
