import { TrustgateError } from '../errors';
import { type CallerFields, checkCallerFields } from '../escalation/caller-fields';

export type { CallerFields } from '../escalation/caller-fields';
export { MAX_FILE_NAME_LENGTH, MAX_JOB_URL_LENGTH } from '../escalation/caller-fields';

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

/**
 * The caller's `fileName` and `jobUrl`, checked (INVALID_FIELD otherwise, with the rule), or undefined when
 * neither was sent. They are the caller's word: shown to on-call with the case, never used to decide.
 */
export function readCallerFields(fields: { fileName: unknown; jobUrl: unknown }): CallerFields | undefined {
  const checked = checkCallerFields(fields);
  if (typeof checked === 'string') throw new TrustgateError('INVALID_FIELD', checked);
  return checked;
}
