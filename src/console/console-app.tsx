import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, TrustgateError } from '../errors';
import { requireCsrf } from './csrf';
import type { ConsoleDeps, ConsoleEnv, Viewer } from './deps';
import { readForm } from './forms';
import { registerApiReference } from './pages/api-reference';
import { registerAudit } from './pages/audit';
import { registerCandidates } from './pages/candidates';
import { registerCases } from './pages/cases';
import { ErrorPage } from './pages/error-page';
import { registerFeeds } from './pages/feeds';
import { registerOverview } from './pages/overview';
import { SignInPage } from './pages/sign-in';
import { registerTrustPages } from './pages/trust-pages';
import { safeNext } from './safe-next';
import { consoleSecurityHeaders } from './security-headers';
import { currentSession, issueSignInToken, signIn, signInCookie, signOut } from './session';
import { CONSOLE_CSS, CONSOLE_ICON } from './stylesheet';

export type { ConsoleDeps } from './deps';

const SIGN_IN_MESSAGES = {
  malformed: 'That is not an API token (16 to 512 visible characters).',
  unknown: 'That token is not known here, or it was revoked.',
  expired: 'Your session expired; sign in again.',
  'token-revoked': 'The token of your session was revoked; sign in with another one.',
  'signed-out': 'You are signed out.',
} as const;

/**
 * The console for people (issue 18): server-rendered pages under /console that call the same use cases as
 * the API, for an admin or on-call session opened with an API token. No script runs in these pages.
 */
export function createConsole(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use('*', consoleSecurityHeaders);

  app.onError((error, c) => {
    const viewer = c.get('viewer') as Viewer | undefined;
    if (error instanceof TrustgateError) {
      return c.html(
        <ErrorPage code={error.code} detail={error.detail} viewer={viewer} />,
        ERROR_STATUS[error.code] as ContentfulStatusCode,
      );
    }
    console.error('unexpected console error', error);
    return c.html(
      <ErrorPage code="INTERNAL" detail="the server failed to handle this request" viewer={viewer} />,
      500,
    );
  });

  app.get('/assets/console.css', (c) =>
    c.body(CONSOLE_CSS, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );

  app.get('/assets/icon.svg', (c) =>
    c.body(CONSOLE_ICON, 200, {
      'content-type': 'image/svg+xml',
      'cache-control': 'public, max-age=3600',
    }),
  );

  app.get('/sign-in', (c) => {
    const reason = c.req.query('why');
    const message =
      reason && Object.hasOwn(SIGN_IN_MESSAGES, reason)
        ? {
            kind: reason === 'signed-out' ? ('ok' as const) : ('warn' as const),
            text: SIGN_IN_MESSAGES[reason as keyof typeof SIGN_IN_MESSAGES],
          }
        : undefined;
    return c.html(
      <SignInPage csrf={issueSignInToken(deps, c)} next={safeNext(c.req.query('next'))} message={message} />,
    );
  });

  app.post('/sign-in', async (c) => {
    const form = await readForm(c);
    requireCsrf(c, signInCookie(c), form._csrf);
    const next = safeNext(form.next);
    const outcome = await signIn(deps, c, typeof form.token === 'string' ? form.token.trim() : '');
    if (outcome.ok) return c.redirect(next, 303);
    const text =
      outcome.reason === 'role'
        ? `A ${outcome.role} token cannot use the console; it needs the role admin or oncall.`
        : SIGN_IN_MESSAGES[outcome.reason];
    return c.html(
      <SignInPage csrf={issueSignInToken(deps, c)} next={next} message={{ kind: 'error', text }} />,
      outcome.reason === 'role' ? 403 : 401,
    );
  });

  // Every other page needs a live session; every post, the session's CSRF token as well.
  app.use('*', async (c, next) => {
    const found = await currentSession(deps, c);
    if (found.state !== 'valid') {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const query = new URLSearchParams({ next: safeNext(c.req.path + new URL(c.req.url).search) });
        if (found.state === 'ended') query.set('why', found.why);
        return c.redirect(`/console/sign-in?${query}`, 303);
      }
      throw new TrustgateError(
        'UNAUTHORIZED',
        found.state === 'ended' ? SIGN_IN_MESSAGES[found.why] : 'sign in to the console first',
      );
    }
    c.set('viewer', found.viewer);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = await readForm(c);
      requireCsrf(c, found.viewer.csrfToken, form._csrf);
    }
    await next();
  });

  app.post('/sign-out', async (c) => {
    await signOut(deps, c, c.get('viewer'));
    return c.redirect('/console/sign-in?why=signed-out', 303);
  });

  registerOverview(app, deps);
  registerCases(app, deps);
  registerTrustPages(app, deps);
  registerAudit(app, deps);
  registerFeeds(app, deps);
  registerCandidates(app, deps);
  registerApiReference(app, deps);
  return app;
}
