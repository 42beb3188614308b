import { type CappedBody, readCappedBody } from '../advisories/read-capped-body';
import { type Failure, inputFailure, serverFailure, usage } from './failure';
import type { CliIo } from './io';

export interface ServerTarget {
  /** The server's origin and path prefix, without a trailing slash. */
  base: string;
  token: string | undefined;
}

export interface ServerAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Longest answer read: a verdict or a case is a few KiB; a stuck or hostile server must not fill memory. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** 503 SERVER_BUSY is retried after its Retry-After (at most this long), this many times. */
const BUSY_RETRIES = 2;
const MAX_RETRY_AFTER_SECONDS = 30;
export const DEFAULT_TIMEOUT_SECONDS = 3600;
/**
 * A server on which no byte moves, either way, for this long is given up (exit 4) whatever the total
 * timeout allows: a 4 GiB upload may need the hour, a silent server must not hold a CI job for it.
 */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 120;

/**
 * The server from `--server` or TRUSTGATE_URL, and the token from TRUSTGATE_TOKEN only: a token given as
 * a flag would land in shell history and process listings.
 */
export function serverTarget(flag: string | undefined, io: CliIo): ServerTarget | Failure {
  const raw = flag ?? io.env.TRUSTGATE_URL;
  if (!raw)
    return usage(
      'no server: pass --server URL or set TRUSTGATE_URL (or verify with --offline --trust-store DIR)',
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return usage(`the server URL '${raw}' is not an absolute URL (e.g. http://127.0.0.1:8787)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return usage(`the server URL must be http(s), not ${url.protocol}`);
  if (url.username || url.password)
    return usage('the server URL must not carry credentials: use TRUSTGATE_TOKEN');
  if (url.search || url.hash) return usage('the server URL must not carry a query or fragment');
  const token = io.env.TRUSTGATE_TOKEN?.trim() || undefined;
  // Checked here, never echoed: fetch's own error for a bad header value quotes the whole header.
  if (token && !/^[\x21-\x7e]+$/.test(token))
    return usage(
      'TRUSTGATE_TOKEN holds a character a bearer token cannot have (a space, a line break, a non-ASCII character)',
    );
  // Nothing authenticates an answer read over plain http: whoever is on the path can answer "trusted".
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    io.stderr(
      `warning: ${url.host} is plain http: its answers are unauthenticated${token ? ' and TRUSTGATE_TOKEN is sent in clear text' : ''} (use https)\n`,
    );
  // Node's own warning about it is gone with NODE_NO_WARNINGS, and a runner may set the variable for
  // another tool: the answers are then as unauthenticated as over plain http.
  if (url.protocol === 'https:' && io.env.NODE_TLS_REJECT_UNAUTHORIZED === '0')
    io.stderr(
      `warning: NODE_TLS_REJECT_UNAUTHORIZED=0: the certificate of ${url.host} is not checked: its answers are unauthenticated${token ? ' and TRUSTGATE_TOKEN goes to whoever answers' : ''}\n`,
    );
  return { base: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, token };
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Called once per attempt: a streamed body cannot be sent twice. */
  body?: () => BodyInit;
  headers?: Record<string, string>;
  accept?: string;
  timeoutSeconds?: number;
  idleTimeoutSeconds?: number;
}

/**
 * One call of the API: the answer as text, or why there was none (unreachable, timed out). 503
 * SERVER_BUSY is retried after the server's Retry-After, a few times; other statuses are the caller's.
 */
export async function callServer(
  io: CliIo,
  target: ServerTarget,
  request: ApiRequest,
): Promise<ServerAnswer | Failure> {
  // One deadline for the call with its retries and their waits: --timeout is per package, and three
  // attempts each given the whole of it held a job three times as long.
  const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
  const endsAt = io.now().getTime() + timeoutSeconds * 1000;
  for (let attempt = 0; ; attempt++) {
    const answer = await callOnce(io, target, request, deadline);
    if ('code' in answer) return answer;
    const wait = busyRetrySeconds(answer);
    if (wait === null || attempt >= BUSY_RETRIES) return answer;
    if (io.now().getTime() + wait * 1000 >= endsAt) return answer;
    io.stderr(`server busy: retrying in ${wait} s\n`);
    await io.sleep(wait * 1000);
  }
}

function busyRetrySeconds(answer: ServerAnswer & { retryAfter?: string | null }): number | null {
  if (answer.status !== 503) return null;
  const seconds = Number(answer.retryAfter ?? '5');
  return Number.isInteger(seconds) && seconds >= 0 ? Math.min(seconds, MAX_RETRY_AFTER_SECONDS) : 5;
}

async function callOnce(
  io: CliIo,
  target: ServerTarget,
  request: ApiRequest,
  deadline: AbortSignal,
): Promise<(ServerAnswer & { retryAfter: string | null }) | Failure> {
  const url = `${target.base}${request.path}`;
  const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const headers: Record<string, string> = {
    accept: request.accept ?? 'application/json, application/problem+json',
    'user-agent': `trustgate-cli/${io.version}`,
    ...request.headers,
  };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const idle = idleWatch(request.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS);
  const limits = { timeoutSeconds, idle };
  try {
    const sent = request.body?.();
    const body = sent instanceof ReadableStream ? touching(sent, idle.touch) : sent;
    let response: Response;
    try {
      response = await io.fetch(url, {
        method: request.method,
        headers,
        redirect: 'error',
        signal: AbortSignal.any([deadline, idle.signal]),
        ...(body !== undefined ? { body, duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      return unreachable(url, error, limits);
    }
    let answer: CappedBody;
    try {
      answer = await readCappedBody(response.body && touching(response.body, idle.touch), MAX_ANSWER_BYTES);
    } catch (error) {
      return unreachable(url, error, limits);
    }
    if (answer.kind === 'too_large')
      return serverFailure(
        'SERVER_ANSWER_UNEXPECTED',
        `${url}: the answer is over ${MAX_ANSWER_BYTES} bytes: not a trustgate answer`,
        response.status,
      );
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: new TextDecoder().decode(answer.bytes),
      retryAfter: response.headers.get('retry-after'),
    };
  } finally {
    idle.stop();
  }
}

interface IdleWatch {
  signal: AbortSignal;
  /** A byte moved: the idle clock starts again. */
  touch: () => void;
  stop: () => void;
  readonly fired: boolean;
  readonly seconds: number;
}

function idleWatch(seconds: number): IdleWatch {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fired = false;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fired = true;
      controller.abort(new DOMException(`no byte moved for ${seconds} s`, 'TimeoutError'));
    }, seconds * 1000);
  };
  touch();
  return {
    signal: controller.signal,
    touch,
    stop: () => clearTimeout(timer),
    get fired() {
      return fired;
    },
    seconds,
  };
}

/** A stream, either way, that restarts the idle clock with every chunk that moves. */
function touching(stream: ReadableStream<Uint8Array>, touch: () => void): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        touch();
        controller.enqueue(chunk);
      },
    }),
  );
}

function unreachable(
  url: string,
  error: unknown,
  limits: { timeoutSeconds: number; idle: IdleWatch },
): Failure {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (limits.idle.fired)
    return serverFailure(
      'SERVER_TIMEOUT',
      `${url}: no byte moved for ${limits.idle.seconds} s (--idle-timeout)`,
    );
  if (name === 'TimeoutError' || name === 'AbortError')
    return serverFailure('SERVER_TIMEOUT', `${url}: no complete answer within ${limits.timeoutSeconds} s`);
  return serverFailure('SERVER_UNREACHABLE', `${url}: ${describeNetworkError(error)}`);
}

/** undici hides the socket's error (ECONNREFUSED, ENOTFOUND) under a generic "fetch failed". */
function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.length ? parts.join(': ') : String(error);
}

/**
 * A non-2xx answer as a failure: a problem+json's own `code` (input or usage for 4xx, the server's for
 * 5xx); anything else did not come from trustgate (a proxy's page, a wrong URL).
 */
export function failureOf(answer: ServerAnswer): Failure {
  const problem = parseProblem(answer);
  if (problem) {
    const detail = problem.detail ?? problem.title ?? `HTTP ${answer.status}`;
    return answer.status >= 500
      ? serverFailure(problem.code, detail, answer.status)
      : inputFailure(problem.code, detail, answer.status);
  }
  return serverFailure(
    answer.status >= 500 ? 'SERVER_FAILED' : 'SERVER_ANSWER_UNEXPECTED',
    `HTTP ${answer.status} without a trustgate problem (${answer.contentType || 'no content type'}): is the server URL right?`,
    answer.status,
  );
}

function parseProblem(answer: ServerAnswer): { code: string; detail?: string; title?: string } | null {
  if (!answer.contentType.toLowerCase().startsWith('application/problem+json')) return null;
  try {
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code)) return null;
    return {
      code: body.code,
      ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
      ...(typeof body.title === 'string' ? { title: body.title } : {}),
    };
  } catch {
    return null;
  }
}

/** A 2xx JSON answer's body, or why it is not one. */
export function jsonOf(answer: ServerAnswer): { body: unknown } | Failure {
  if (answer.status < 200 || answer.status > 299) return failureOf(answer);
  try {
    return { body: JSON.parse(answer.text) };
  } catch {
    return serverFailure(
      'SERVER_ANSWER_UNEXPECTED',
      `HTTP ${answer.status} with a body that is not JSON`,
      answer.status,
    );
  }
}
