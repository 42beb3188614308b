import type { Context } from 'hono';
import { equalSecrets } from '../encoding';
import { TrustgateError } from '../errors';

/**
 * A form post from a page of this console: the browser's Origin (when it sends one) names this host, and
 * Sec-Fetch-Site (when sent) is not cross-site. Hosts are compared, not schemes, so that a console behind
 * a TLS-terminating proxy (which sees http) still accepts its own https pages.
 */
function fromThisSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

/**
 * Refuses a state-changing console request unless it comes from this site and carries `expected` (the
 * session's synchronizer token, or the sign-in form's double-submit cookie) as the form field `_csrf`.
 */
export function requireCsrf(c: Context, expected: string | undefined, sent: unknown): void {
  if (!fromThisSite(c)) {
    throw new TrustgateError('CSRF_REJECTED', 'the form was sent from another site; nothing was changed');
  }
  if (expected === undefined || typeof sent !== 'string' || !equalSecrets(expected, sent)) {
    throw new TrustgateError(
      'CSRF_REJECTED',
      'the form did not carry this session’s CSRF token (an old page, or another site); reload the page and try again; nothing was changed',
    );
  }
}
