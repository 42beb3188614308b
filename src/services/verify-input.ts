import { TrustgateError } from '../errors';

/**
 * The refusals every reader of a verification request makes before verifying (the JSON and multipart
 * readers of /verify, the offline core): one wording and one code wherever the request comes from.
 */
export const missingVendor = () =>
  new TrustgateError(
    'MISSING_FIELD',
    'vendor is required: the id of the vendor whose roots must anchor the signature',
  );

/** The bytes of a request field, refused with PAYLOAD_TOO_LARGE over `max`. */
export function withinSizeLimit(what: string, bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.byteLength > max) throw new TrustgateError('PAYLOAD_TOO_LARGE', `${what} is over ${max} bytes`);
  return bytes;
}
