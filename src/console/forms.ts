import type { Context } from 'hono';
import { TrustgateError } from '../errors';
import { ROLES } from '../http/auth';
import { checkIfMatch, etagOf } from '../http/etag';
import type { VersionCheck } from '../services/trust-admin';
import { roleAllows } from '../trust/tokens';
import type { Viewer } from './deps';

/** A parsed form body (Hono's parseBody). */
export type FormBody = Record<string, string | File | (string | File)[]>;

/**
 * The request's form, read once (Hono keeps it for the handler's own parseBody). A body that is not a
 * form (a broken multipart, a wrong boundary) is the sender's fault: 400, not a 500 page.
 */
export async function readForm(c: Context): Promise<FormBody> {
  try {
    return (await c.req.parseBody()) as FormBody;
  } catch {
    throw new TrustgateError('BAD_REQUEST', 'the form cannot be read: send it from the console page');
  }
}

/** The trimmed text of a form field, or '' when absent or a file. */
export function field(form: FormBody, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Whether the viewer may change the trust store (ROLES.write, as in the API). */
export const canWrite = (viewer: Viewer): boolean => roleAllows(viewer.principal.role, ROLES.write);

/** Refuses a write by a viewer without the write role, with the API's FORBIDDEN. */
export function requireWrite(viewer: Viewer): void {
  if (!canWrite(viewer)) {
    throw new TrustgateError(
      'FORBIDDEN',
      `a ${viewer.principal.role} token may not do this; it needs the role ${ROLES.write.join(' or ')}`,
    );
  }
}

/** The API's reason rule (ReasonField: 1 to 2000 characters after trimming). */
export function requireReason(form: FormBody): string {
  const reason = field(form, 'reason');
  if (reason.length === 0) throw new TrustgateError('INVALID_FIELD', 'reason is required: say why');
  if (reason.length > 2000) throw new TrustgateError('INVALID_FIELD', 'reason is at most 2000 characters');
  return reason;
}

/** An If-Match value no stored version has: what a form version that is not a number stands for. */
const NO_VERSION = '"not-a-version"';

/**
 * The version the page showed (its hidden `version` field) held against the stored one exactly as the API
 * holds If-Match (http/etag.ts): a stale page is refused with PRECONDITION_FAILED, a form without a
 * version with PRECONDITION_REQUIRED. Only a number is a version here: the field is never passed on as an
 * If-Match text, so `*` or an ETag list cannot turn the check off (a console write is never blind).
 */
export function formVersionCheck(form: FormBody): VersionCheck {
  const shown = field(form, 'version');
  const header = /^\d{1,15}$/.test(shown) ? etagOf(Number(shown)) : shown === '' ? undefined : NO_VERSION;
  return (version) => checkIfMatch(header, version, true);
}

/**
 * An instant from a datetime-local input (read as UTC) or an ISO 8601 text, as the API's `after` takes
 * it; undefined when empty.
 */
export function instantField(form: FormBody, name: string): string | undefined {
  const text = field(form, name);
  if (text === '') return undefined;
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text);
  const iso = local ? `${text.length === 16 ? `${text}:00` : text}Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(Date.parse(iso))) {
    throw new TrustgateError('INVALID_FIELD', `${name} must be a date and time (UTC), e.g. 2026-03-01T00:00`);
  }
  return new Date(iso).toISOString();
}

/** Where a successful post goes: the page showing the result, with a short word for its notice. */
export const done = (path: string, word: string): string =>
  `${path}${path.includes('?') ? '&' : '?'}done=${encodeURIComponent(word)}`;
