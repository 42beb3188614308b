import { TrustgateError } from '../errors';
import type { AuditFilter, AuditRecord } from '../trust';

/** How many entries one page of the console's audit log shows unless `limit` says otherwise. */
export const AUDIT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
/** With an action prefix (not a store filter), how many entries one page reads at most to fill itself. */
const MAX_SCAN = 5000;
const SCAN_BATCH = 200;
const MAX_TEXT = 200;

/** The audit page's filter form, as given (for re-filling the form), and the store filter it stands for. */
export interface AuditQuery {
  form: { vendor: string; actor: string; target: string; action: string; since: string; until: string };
  limit: number;
  beforeId: number | undefined;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date, a date-time without seconds (what a datetime-local input sends) or a full RFC 3339 instant. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * An instant from what a person types into the since/until fields: `2026-06-01` (the start of that day,
 * or its end for `until`, UTC), `2026-06-01T09:30` (UTC) or an RFC 3339 instant. Anything else is refused.
 */
export function parseInstant(field: 'since' | 'until', raw: string): string {
  const text = raw.trim();
  const day = DATE_ONLY.exec(text);
  let at: Date;
  if (day) {
    at = new Date(`${text}T00:00:00.000Z`);
    // 2026-02-30 parses to a real date in March: refuse it rather than read another day
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== text) {
      throw new TrustgateError('INVALID_FIELD', `${field}: ${JSON.stringify(raw)} is not a calendar date`);
    }
    if (field === 'until') at = new Date(at.getTime() + 24 * 60 * 60 * 1000 - 1);
    return at.toISOString();
  }
  if (!DATE_TIME.test(text)) {
    throw new TrustgateError(
      'INVALID_FIELD',
      `${field}: ${JSON.stringify(raw.slice(0, 60))} is not a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM, UTC unless an offset is given)`,
    );
  }
  const withZone = /(Z|[+-]\d{2}:\d{2})$/i.test(text) ? text : `${text}Z`;
  at = new Date(withZone.replace(' ', 'T'));
  if (Number.isNaN(at.getTime())) {
    throw new TrustgateError(
      'INVALID_FIELD',
      `${field}: ${JSON.stringify(raw.slice(0, 60))} is not a real instant`,
    );
  }
  return at.toISOString();
}

const text = (query: Record<string, string | undefined>, name: string): string => {
  const value = (query[name] ?? '').trim();
  if (value.length > MAX_TEXT) {
    throw new TrustgateError('INVALID_FIELD', `${name}: at most ${MAX_TEXT} characters`);
  }
  return value;
};

const positiveInt = (name: string, raw: string | undefined, max: number): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new TrustgateError('INVALID_FIELD', `${name}: a whole number from 1 to ${max}`);
  }
  return Number(raw);
};

/** Reads and checks the audit page's query; a bad value is refused with INVALID_FIELD (shown as a page). */
export function readAuditQuery(
  query: Record<string, string | undefined>,
): AuditQuery & { filter: AuditFilter } {
  const form = {
    vendor: text(query, 'vendor'),
    actor: text(query, 'actor'),
    target: text(query, 'target'),
    action: text(query, 'action'),
    since: text(query, 'since'),
    until: text(query, 'until'),
  };
  const limit = positiveInt('limit', query.limit, MAX_PAGE_SIZE) ?? AUDIT_PAGE_SIZE;
  const beforeId = positiveInt('before', query.before, Number.MAX_SAFE_INTEGER);
  const filter: AuditFilter = { limit, newestFirst: true };
  if (form.vendor) filter.vendorId = form.vendor;
  if (form.actor) filter.actor = form.actor;
  // fingerprints are stored as lower-case hex; accept them pasted with colons or in upper case
  if (form.target) {
    filter.targetId =
      /^[0-9a-f:]+$/i.test(form.target) && form.target.replaceAll(':', '').length === 64
        ? form.target.replaceAll(':', '').toLowerCase()
        : form.target;
  }
  if (form.since) filter.since = parseInstant('since', form.since);
  if (form.until) filter.until = parseInstant('until', form.until);
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new TrustgateError('INVALID_FIELD', 'since: after until, so no entry could match');
  }
  if (beforeId !== undefined) filter.beforeId = beforeId;
  return { form, limit, beforeId, filter };
}

export interface AuditPage {
  entries: AuditRecord[];
  /** The `before` of the next (older) page; null at the end of the log. */
  olderBeforeId: number | null;
  /** With an action prefix: entries read to fill the page (a page stops after MAX_SCAN of them). */
  scanned: number;
}

/**
 * One page of the log, newest first. The action prefix is not a store filter, so with one the page reads
 * older batches until it has `limit` matches, the log ends, or MAX_SCAN entries were read.
 */
export async function loadAuditPage(
  list: (filter: AuditFilter) => Promise<AuditRecord[]>,
  filter: AuditFilter,
  actionPrefix: string,
): Promise<AuditPage> {
  if (!actionPrefix) {
    const rows = await list({ ...filter, limit: filter.limit + 1 });
    const entries = rows.slice(0, filter.limit);
    const last = entries[entries.length - 1];
    return {
      entries,
      olderBeforeId: rows.length > filter.limit && last ? last.id : null,
      scanned: rows.length,
    };
  }
  const entries: AuditRecord[] = [];
  let cursor = filter.beforeId;
  let scanned = 0;
  for (;;) {
    const batch = await list({
      ...filter,
      limit: SCAN_BATCH,
      ...(cursor !== undefined ? { beforeId: cursor } : {}),
    });
    for (const row of batch) {
      scanned++;
      cursor = row.id;
      if (!row.action.startsWith(actionPrefix)) continue;
      entries.push(row);
      if (entries.length === filter.limit) return { entries, olderBeforeId: row.id, scanned };
    }
    if (batch.length < SCAN_BATCH) return { entries, olderBeforeId: null, scanned };
    if (scanned >= MAX_SCAN) return { entries, olderBeforeId: cursor ?? null, scanned };
  }
}
