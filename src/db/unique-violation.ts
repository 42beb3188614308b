/**
 * Whether a failed write broke a UNIQUE or PRIMARY KEY constraint. drizzle wraps the driver's error
 * ("Failed query: ..."), so the constraint text is looked for along the whole `cause` chain, on libSQL
 * and D1 alike.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (/UNIQUE constraint|PRIMARY KEY constraint|SQLITE_CONSTRAINT/i.test(message)) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
