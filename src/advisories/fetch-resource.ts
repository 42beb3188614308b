import { parseRetryAfter } from '../encoding';
import type { FetchLimits } from './limits';
import { readCappedBody } from './read-capped-body';
import { isHttpUrl, publicHttpOnly, type UrlGuard } from './url-guard';

/** The subset of `fetch` the poller uses; inject `globalThis.fetch` (it is never called as a method) or a double. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface FetchDeps {
  fetch: FetchLike;
  /** The clock (Retry-After dates are resolved against it). */
  now: () => Date;
  /** Checked for the first URL and every redirect hop. Defaults to `publicHttpOnly`. */
  isAllowedUrl?: UrlGuard;
}

export interface ConditionalRequest {
  /** Sent back verbatim as If-None-Match. */
  etag: string | null;
  /** Sent back verbatim as If-Modified-Since. */
  lastModified: string | null;
}

export type FetchErrorReason =
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'url_not_allowed'
  | 'too_many_redirects'
  | 'bad_redirect'
  | 'timeout'
  | 'too_large'
  | 'http_status'
  | 'network';

export type FetchError = { kind: 'error'; reason: FetchErrorReason; detail: string; status?: number };

export type ResourceOutcome =
  | { kind: 'not_modified'; finalUrl: string }
  | {
      kind: 'ok';
      bytes: Uint8Array;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      finalUrl: string;
    }
  | { kind: 'retry_later'; until: Date; reason: string; status: number }
  | { kind: 'gone'; finalUrl: string }
  | FetchError;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function fail(reason: FetchErrorReason, detail: string, status?: number): FetchError {
  return status === undefined ? { kind: 'error', reason, detail } : { kind: 'error', reason, detail, status };
}

function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/**
 * GETs one URL within `limits`: a timeout over the whole exchange (redirects and body included), a body
 * cap enforced while streaming, redirects followed by hand (`redirect: 'manual'`) up to a limit with each
 * hop re-checked (http/https only, URL guard). Expected outcomes (304, 410, 429/503 with Retry-After,
 * other statuses, timeouts, network failures) are values; nothing here throws for them.
 */
export async function fetchResource(
  deps: FetchDeps,
  url: string,
  limits: FetchLimits,
  options: { accept: string; conditional?: ConditionalRequest },
): Promise<ResourceOutcome> {
  const guard = deps.isAllowedUrl ?? publicHttpOnly;
  // called detached: Workers' fetch throws "Illegal invocation" when called as a method of another object
  const doFetch = deps.fetch;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return fail('invalid_url', `not a URL: ${url}`);
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);

  try {
    for (let hop = 0; ; hop++) {
      if (!isHttpUrl(current))
        return fail('unsupported_scheme', `only http and https are fetched: ${current.href}`);
      if (!guard(current)) return fail('url_not_allowed', `address not allowed: ${current.host}`);

      const headers: Record<string, string> = { accept: options.accept, 'user-agent': limits.userAgent };
      if (options.conditional?.etag != null) headers['if-none-match'] = options.conditional.etag;
      if (options.conditional?.lastModified != null) {
        headers['if-modified-since'] = options.conditional.lastModified;
      }

      let response: Response;
      try {
        response = await doFetch(current.href, {
          method: 'GET',
          headers,
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        if (timedOut) return fail('timeout', `no answer within ${limits.timeoutMs} ms`);
        return fail('network', error instanceof Error ? error.message : String(error));
      }

      const status = response.status;
      if (REDIRECT_STATUSES.has(status)) {
        discard(response);
        const location = response.headers.get('location');
        if (location === null) return fail('bad_redirect', `HTTP ${status} without Location`, status);
        if (hop >= limits.maxRedirects) {
          return fail('too_many_redirects', `more than ${limits.maxRedirects} redirects`, status);
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          return fail('bad_redirect', `unreadable Location: ${location}`, status);
        }
        if (current.protocol === 'https:' && next.protocol === 'http:') {
          return fail('bad_redirect', `refusing https→http redirect to ${next.href}`, status);
        }
        current = next;
        continue;
      }
      if (status === 304) {
        discard(response);
        return { kind: 'not_modified', finalUrl: current.href };
      }
      if (status === 410) {
        discard(response);
        return { kind: 'gone', finalUrl: current.href };
      }
      if (status === 429 || status === 503) {
        discard(response);
        const until = parseRetryAfter(response.headers.get('retry-after'), deps.now());
        if (until === null) return fail('http_status', `HTTP ${status} without a usable Retry-After`, status);
        return { kind: 'retry_later', until, reason: `HTTP ${status}`, status };
      }
      if (status < 200 || status > 299) {
        discard(response);
        return fail('http_status', `HTTP ${status}`, status);
      }

      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        discard(response);
        return fail('too_large', `Content-Length ${declared} exceeds ${limits.maxBytes} bytes`, status);
      }
      let body: Awaited<ReturnType<typeof readCappedBody>>;
      try {
        body = await readCappedBody(response.body, limits.maxBytes);
      } catch (error) {
        if (timedOut) return fail('timeout', `body not received within ${limits.timeoutMs} ms`);
        return fail('network', error instanceof Error ? error.message : String(error));
      }
      if (body.kind === 'too_large') {
        controller.abort();
        return fail('too_large', `body exceeds ${limits.maxBytes} bytes`, status);
      }
      return {
        kind: 'ok',
        bytes: body.bytes,
        contentType: response.headers.get('content-type'),
        etag: response.headers.get('etag'),
        lastModified: response.headers.get('last-modified'),
        finalUrl: current.href,
      };
    }
  } finally {
    clearTimeout(timer);
  }
}
