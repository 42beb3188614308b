/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds (digits only) or an HTTP-date. Returns
 * the instant to wait until, never before `now`, or null when the header is absent or unreadable.
 *
 * Of the two readers this replaces, this keeps the feed poller's: the webhook's handed anything to
 * `Date.parse`, which reads `1.5`, `-5` or `2026-06-01` as dates, so junk became a wait. Here a date
 * must start with a day name, as IMF-fixdate and the obsolete RFC 850 and asctime forms all do.
 */
export function parseRetryAfter(value: string | null, now: Date): Date | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    if (!Number.isSafeInteger(seconds)) return null;
    const until = new Date(now.getTime() + seconds * 1000);
    return Number.isNaN(until.getTime()) ? null : until;
  }
  if (!/^[A-Za-z]{3,9},? /.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return new Date(Math.max(at, now.getTime()));
}
