/**
 * One structured line per request, and the request id every answer carries (`x-request-id`).
 *
 * The line names the matched route pattern (`/vendors/:id/roots`, never the raw path when a pattern
 * exists), the status and the duration; on /verify also the vendor, the verdict and the reason codes,
 * which the handler hands over through the context (`noteVerdict`), never by re-reading the body. What
 * is logged is only what is listed here: never a header, a cookie, a query string, a form field, a token,
 * an artifact or a signature.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The platform's structured log: one object per line (Node and Workers: `console.log(JSON.stringify(line))`). */
export type LogPort = (line: object) => void;

/** Node and Workers: one JSON object per line on stdout (Workers Logs parse it into fields). */
export const consoleJsonLog: LogPort = (line) => console.log(JSON.stringify(line));

/** What /verify decided, for the request's log line. */
export interface VerdictLogFields {
  vendor: string;
  verdict: string;
  reasons: string[];
}

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
    verdictLog: VerdictLogFields;
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept only when it is 1 to 64 of [A-Za-z0-9._-]; anything else is replaced. */
const WELL_FORMED_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** An unmatched path is logged cut to this length (there is no pattern to log instead). */
const MAX_LOGGED_PATH = 200;

/** A random request id: 16 bytes, hex. */
export function newRequestId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)) {
  return Array.from(random(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Records what /verify decided on the request (codes only), for its log line. */
export function noteVerdict(
  c: Context,
  result: { vendor: string; verdict: string; reasons: ReadonlyArray<{ code: string }> },
) {
  c.set('verdictLog', {
    vendor: result.vendor,
    verdict: result.verdict,
    reasons: result.reasons.map((r) => r.code),
  });
}

/** The pattern of the route that answered, or of the route the request matched when a middleware refused it. */
function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  const handler = [...routes].reverse().find((r) => r.method !== 'ALL' && !r.path.includes('*'));
  if (handler) return handler.path;
  const path = c.req.path;
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

function setHeader(c: Context, name: string, value: string) {
  try {
    c.res.headers.set(name, value);
  } catch {
    // A response with immutable headers (one fetched, for example): copy it once.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}

export interface RequestLogOptions {
  /** Where lines go; without it nothing is logged, but every answer still carries its request id. */
  log?: LogPort | undefined;
  /** Milliseconds, monotonic where the platform has it (default performance.now). */
  clock?: () => number;
}

export function requestLog(options: RequestLogOptions = {}): MiddlewareHandler {
  const clock = options.clock ?? (() => performance.now());
  const { log } = options;
  return async (c, next) => {
    const started = clock();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && WELL_FORMED_ID.test(incoming) ? incoming : newRequestId();
    c.set('requestId', requestId);
    try {
      await next();
    } finally {
      setHeader(c, REQUEST_ID_HEADER, requestId);
      if (log) {
        const verdict = c.get('verdictLog');
        const line = {
          level: 'info',
          msg: 'request',
          requestId,
          method: c.req.method,
          route: routeOf(c),
          status: c.res.status,
          durationMs: Math.round((clock() - started) * 100) / 100,
          ...(verdict ? { vendor: verdict.vendor, verdict: verdict.verdict, reasons: verdict.reasons } : {}),
        };
        try {
          log(line);
        } catch {
          // A failing log never fails the request.
        }
      }
    }
  };
}
