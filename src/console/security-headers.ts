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
  c.res.headers.set('referrer-policy', 'no-referrer');
  c.res.headers.set('cross-origin-opener-policy', 'same-origin');
  if (!c.req.path.startsWith('/console/assets/')) c.res.headers.set('cache-control', 'no-store');
};
