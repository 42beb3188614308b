/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns the
 * instant to wait until, or null when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: Date): Date | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? new Date(now.getTime() + seconds * 1000) : null;
  }
  // IMF-fixdate, plus the obsolete RFC 850 and asctime forms that Date.parse also reads
  if (!/^[A-Za-z]{3,9},? /.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return new Date(Math.max(at, now.getTime()));
}
