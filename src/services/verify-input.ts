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

/** What a caller may say about the package with /verify, stored on the escalation case it opens or joins. */
export interface CallerFields {
  fileName?: string;
  jobUrl?: string;
}

export const MAX_FILE_NAME_LENGTH = 255;
export const MAX_JOB_URL_LENGTH = 2048;

// Letters, marks and digits of any script, and the punctuation file names use; no path separator, no
// control, format (bidirectional) or other invisible character, no quote or angle bracket.
const FILE_NAME = /^[\p{L}\p{M}\p{N}._+~@()[\]{},=#%&! -]+$/u;
// A URL as it travels: printable ASCII without spaces (an IRI must be percent-encoded).
const URL_CHARS = /^[\x21-\x7e]+$/;

function readFileName(value: unknown): string {
  const invalid = () =>
    new TrustgateError(
      'INVALID_FIELD',
      `fileName must be a file's name (no directory), 1 to ${MAX_FILE_NAME_LENGTH} characters: letters, digits, spaces and . _ + ~ @ ( ) [ ] { } , = # % & ! -`,
    );
  if (typeof value !== 'string') throw invalid();
  const length = [...value].length;
  if (length === 0 || length > MAX_FILE_NAME_LENGTH || !FILE_NAME.test(value)) throw invalid();
  if (value.trim() !== value || value === '.' || value === '..') throw invalid();
  return value;
}

function readJobUrl(value: unknown): string {
  const invalid = (why: string) =>
    new TrustgateError(
      'INVALID_FIELD',
      `jobUrl must be the pipeline job's http(s) URL, at most ${MAX_JOB_URL_LENGTH} characters of printable ASCII: ${why}`,
    );
  if (typeof value !== 'string' || value.length === 0) throw invalid('it is empty or not a string');
  if (value.length > MAX_JOB_URL_LENGTH) throw invalid('it is too long');
  if (!URL_CHARS.test(value)) throw invalid('it holds a space, a control or a non-ASCII character');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${url.protocol} is not http(s)`);
  if (url.username !== '' || url.password !== '') throw invalid('it carries credentials');
  return value;
}

/**
 * The caller's `fileName` and `jobUrl`, checked (INVALID_FIELD otherwise), or undefined when neither was
 * sent. They are the caller's word: shown to on-call with the case, never used to decide anything.
 */
export function readCallerFields(fields: { fileName: unknown; jobUrl: unknown }): CallerFields | undefined {
  const given = (v: unknown) => v !== undefined && v !== null;
  if (!given(fields.fileName) && !given(fields.jobUrl)) return undefined;
  return {
    ...(given(fields.fileName) ? { fileName: readFileName(fields.fileName) } : {}),
    ...(given(fields.jobUrl) ? { jobUrl: readJobUrl(fields.jobUrl) } : {}),
  };
}
