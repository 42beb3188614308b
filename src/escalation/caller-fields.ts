/**
 * What a caller may say about a package with `/verify` (its file name, the pipeline job that sent it): kept
 * on the escalation case it opens or joins and shown to on-call, never used to decide anything. The rules
 * are here, pure, for the request readers (which refuse with INVALID_FIELD) and the CLI (which only sends
 * what passes).
 */
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

/** Why `value` is no acceptable `fileName`, or null when it is one. */
export function fileNameProblem(value: unknown): string | null {
  const problem = `fileName must be a file's name (no directory), 1 to ${MAX_FILE_NAME_LENGTH} characters: letters, digits, spaces and . _ + ~ @ ( ) [ ] { } , = # % & ! -`;
  if (typeof value !== 'string') return problem;
  const length = [...value].length;
  if (length === 0 || length > MAX_FILE_NAME_LENGTH || !FILE_NAME.test(value)) return problem;
  if (value.trim() !== value || value === '.' || value === '..') return problem;
  return null;
}

/** Why `value` is no acceptable `jobUrl`, or null when it is one. */
export function jobUrlProblem(value: unknown): string | null {
  const problem = (why: string) =>
    `jobUrl must be the pipeline job's http(s) URL, at most ${MAX_JOB_URL_LENGTH} characters of printable ASCII: ${why}`;
  if (typeof value !== 'string' || value.length === 0) return problem('it is empty or not a string');
  if (value.length > MAX_JOB_URL_LENGTH) return problem('it is too long');
  if (!URL_CHARS.test(value)) return problem('it holds a space, a control or a non-ASCII character');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem('it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return problem(`${url.protocol} is not http(s)`);
  if (url.username !== '' || url.password !== '') return problem('it carries credentials');
  return null;
}

/**
 * The caller's fields when both are acceptable (undefined when neither was given; null/undefined values
 * count as not given), or why one is not.
 */
export function checkCallerFields(fields: {
  fileName: unknown;
  jobUrl: unknown;
}): CallerFields | undefined | string {
  const given = (v: unknown) => v !== undefined && v !== null;
  if (!given(fields.fileName) && !given(fields.jobUrl)) return undefined;
  const problem =
    (given(fields.fileName) ? fileNameProblem(fields.fileName) : null) ??
    (given(fields.jobUrl) ? jobUrlProblem(fields.jobUrl) : null);
  if (problem !== null) return problem;
  return {
    ...(given(fields.fileName) ? { fileName: fields.fileName as string } : {}),
    ...(given(fields.jobUrl) ? { jobUrl: fields.jobUrl as string } : {}),
  };
}
