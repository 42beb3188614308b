import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, type ErrorCode, TrustgateError } from '../errors';

const TITLES: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'The request is malformed',
  MISSING_FIELD: 'A required field is missing',
  INVALID_FIELD: 'A field has an invalid value',
  INVALID_JSON: 'The body is not valid JSON',
  DIGEST_FORMAT_INVALID: 'The digest is not in the form sha256:<hex>',
  UNAUTHORIZED: 'Authentication is required',
  FORBIDDEN: 'The token may not do this',
  NOT_FOUND: 'Not found',
  PAYLOAD_TOO_LARGE: 'The request is over a size limit',
  SIGNATURE_EMPTY: 'The signature is empty',
  SIGNATURE_UNREADABLE: 'The signature cannot be read as CMS',
  SIGNATURE_NOT_SIGNED_DATA: 'The signature is CMS but not SignedData',
  UNKNOWN_VENDOR: 'The vendor is not known',
  REQUEST_ABORTED: 'The request body did not arrive whole',
  SERVER_BUSY: 'The server is at its limit; retry later',
  INTERNAL: 'Internal error',
};

export const problemType = (code: ErrorCode) => `urn:trustgate:error:${code}`;

/** Longest `detail` sent: one that quotes what the caller sent (a 1 MB OID) must not echo all of it. */
const MAX_DETAIL = 1000;

const bounded = (detail: string) =>
  detail.length <= MAX_DETAIL
    ? detail
    : `${detail.slice(0, MAX_DETAIL)}... (${detail.length - MAX_DETAIL} more characters left out)`;

/** RFC 9457 problem details with trustgate's stable `code`. */
export function problemBody(code: ErrorCode, detail: string, extra?: Record<string, unknown>) {
  return {
    type: problemType(code),
    title: TITLES[code] ?? code.toLowerCase().replaceAll('_', ' '),
    status: ERROR_STATUS[code],
    detail: bounded(detail),
    code,
    ...extra,
  };
}

export function problemResponse(
  c: Context,
  code: ErrorCode,
  detail: string,
  extra?: Record<string, unknown>,
): Response {
  const retryAfter = extra?.retryAfterSeconds;
  return c.body(
    JSON.stringify(problemBody(code, detail, extra)),
    ERROR_STATUS[code] as ContentfulStatusCode,
    {
      'content-type': 'application/problem+json',
      // A busy server says when to come back (RFC 9110 §10.2.3); the body carries the same number.
      ...(typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {}),
    },
  );
}

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof TrustgateError) return problemResponse(c, error.code, error.detail, error.extra);
  console.error('unexpected error', error);
  return problemResponse(c, 'INTERNAL', 'the server failed to handle this request; it has been logged');
}
