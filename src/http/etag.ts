import { TrustgateError } from '../errors';

/** Strong ETag of a versioned resource (vendors, roots): the version counter the store keeps. */
export const etagOf = (version: number): string => `"v${version}"`;

/**
 * Honours If-Match (RFC 9110 §13.1.1, strong comparison): a write whose If-Match names another version is
 * refused with 412. `required` makes a missing If-Match a 428, for writes that must not be blind.
 */
export function checkIfMatch(header: string | undefined, version: number, required = false): void {
  if (header === undefined || header.trim() === '') {
    if (required) {
      throw new TrustgateError(
        'PRECONDITION_REQUIRED',
        'send If-Match with the ETag you read, so that a concurrent change is not overwritten',
      );
    }
    return;
  }
  const current = etagOf(version);
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw new TrustgateError(
    'PRECONDITION_FAILED',
    `the resource changed since you read it: it is now ${current}; read it again and retry`,
    { etag: current },
  );
}
