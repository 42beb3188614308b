import type { MiddlewareHandler } from 'hono';

/**
 * Every console answer: no script at all (the pages are server-rendered forms), styles from this
 * deployment only, never framed, never cached, no Referer carrying a case id to another site.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const consoleSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('content-security-policy', CONSOLE_CSP);
  c.res.headers.set('x-content-type-options', 'nosniff');
  c.res.headers.set('x-frame-options', 'DENY');
  // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` with the console's own
  // form posts, which the CSRF check (csrf.ts) must then refuse; other sites still get no Referer.
  c.res.headers.set('referrer-policy', 'same-origin');
  c.res.headers.set('cross-origin-opener-policy', 'same-origin');
  if (!c.req.path.startsWith('/console/assets/')) c.res.headers.set('cache-control', 'no-store');
};
