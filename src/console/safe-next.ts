/**
 * Where to go after signing in: a console path of this site only (never `//host`, a scheme, or a
 * backslash trick), else the overview. An open redirect on a sign-in page is a phishing tool.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/console';
  if (!/^\/console(?:[/?#][\x21-\x7e]*)?$/.test(value)) return '/console';
  if (value.includes('\\') || value.includes('//') || value.includes('/..')) return '/console';
  return value;
}
