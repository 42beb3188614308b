/**
 * The one error type of trustgate. Codes are stable and documented (docs/errors.md): clients branch on
 * them, so add codes, never rename one. Expected outcomes (a rejected signature, an unknown root) are
 * verdicts, not errors; an error means the request could not be decided or was not allowed.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  REQUEST_ABORTED: 400,
  MISSING_FIELD: 400,
  INVALID_FIELD: 400,
  INVALID_JSON: 400,
  DIGEST_FORMAT_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  SELF_APPROVAL_FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 422,
  SIGNATURE_EMPTY: 422,
  SIGNATURE_UNREADABLE: 422,
  SIGNATURE_NOT_SIGNED_DATA: 422,
  NO_SIGNERS: 422,
  SIGNERS_LIMIT: 422,
  CERTIFICATES_LIMIT: 422,
  CRLS_LIMIT: 422,
  ATTRIBUTES_LIMIT: 422,
  CONTENT_REQUIRED: 422,
  CONTENT_CONFLICT: 422,
  DIGEST_ALGORITHM_MISMATCH: 422,
  UNKNOWN_VENDOR: 422,
  INVALID_CERTIFICATE: 422,
  INVALID_STATE: 409,
  ROOT_NOT_CA: 422,
  ROOT_EXPIRED: 422,
  ROOT_DUPLICATE: 409,
  ROOT_AMBIGUOUS: 409,
  VENDOR_EXISTS: 409,
  TOKEN_NAME_TAKEN: 409,
  ARCHIVE_UNREADABLE: 422,
  ARCHIVE_LIMIT_EXCEEDED: 422,
  INVALID_CRL: 422,
  FEED_EXISTS: 409,
  FEED_URL_NOT_ALLOWED: 422,
  SERVER_BUSY: 503,
  INTERNAL: 500,
  // Authenticode (src/verify/authenticode)
  AUTHENTICODE_LIMIT_EXCEEDED: 422,
  // Issue 17, policy: a proposed root that is not self-issued (the top of an incomplete chain).
  ROOT_NOT_SELF_ISSUED: 422,
  // Issue 18: a candidate proposed as a root that is a fingerprint hint, not a certificate.
  CANDIDATE_WITHOUT_CERTIFICATE: 422,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class TrustgateError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail: string, extra?: Record<string, unknown>) {
    super(`${code}: ${detail}`);
    this.name = 'TrustgateError';
    this.code = code;
    this.detail = detail;
    this.extra = extra;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isTrustgateError = (value: unknown): value is TrustgateError => value instanceof TrustgateError;
