/**
 * The Node server's shutdown: on SIGTERM or SIGINT it stops accepting connections, lets the requests in
 * flight finish for up to SHUTDOWN_GRACE_SECONDS, then closes what is left; the caller stops its timers
 * and closes the database. A second signal during the shutdown exits at once.
 */
import type { Server } from 'node:http';
import { problemBody } from '../http/problem';

/** How often idle kept-alive connections are closed while the server drains. */
const IDLE_SWEEP_MS = 100;

/**
 * Closes the server: no new connection is accepted, idle kept-alive connections are closed as they become
 * idle, and after `graceMs` every connection left is cut. Resolves once none is open.
 */
export function drainServer(server: Server, graceMs: number): Promise<{ cut: boolean }> {
  return new Promise((resolve) => {
    let cut = false;
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      cut = true;
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve({ cut });
    });
    server.closeIdleConnections();
  });
}

/** Resolves true once `work` settles, or false if `graceMs` passes first. */
export function withinGrace(work: Promise<unknown>, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => resolve(false), graceMs);
    const settled = () => {
      clearTimeout(deadline);
      resolve(true);
    };
    work.then(settled, settled);
  });
}

/**
 * Wraps a fetch handler so that, once `closing()` is true, a request that still reaches the server (on a
 * kept-alive connection) is refused with 503 SERVER_BUSY and `Connection: close` instead of starting work.
 */
export function refuseWhileClosing<A extends unknown[]>(
  fetch: (request: Request, ...rest: A) => Response | Promise<Response>,
  closing: () => boolean,
): (request: Request, ...rest: A) => Response | Promise<Response> {
  return (request, ...rest) => {
    if (!closing()) return fetch(request, ...rest);
    const body = problemBody('SERVER_BUSY', 'the server is shutting down; retry on another instance', {
      retryAfterSeconds: 5,
    });
    return new Response(JSON.stringify(body), {
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '5', connection: 'close' },
    });
  };
}

export interface SignalOptions {
  /** Stops the server; rejects if something failed to close. */
  stop: () => Promise<void>;
  graceSeconds: number;
  log?: (line: string) => void;
  exit?: (code: number) => void;
  on?: (signal: NodeJS.Signals, handler: () => void) => void;
}

const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;

/**
 * On the first SIGTERM or SIGINT: `stop`, then exit 0 (1 if stopping failed). On a second one during
 * the shutdown: exit at once with 128 + the signal's number, as a shell reports a process killed by it.
 */
export function shutdownOnSignals(options: SignalOptions) {
  const log = options.log ?? ((line) => console.log(line));
  const exit = options.exit ?? ((code) => process.exit(code));
  const on = options.on ?? ((signal, handler) => process.on(signal, handler));
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    on(signal, () => {
      if (stopping) {
        log(`${signal} again: exiting without waiting for requests in flight`);
        exit(128 + SIGNAL_NUMBER[signal]);
        return;
      }
      stopping = true;
      const started = Date.now();
      log(
        `${signal}: shutting down (no new connections; requests in flight have ${options.graceSeconds} s to finish)`,
      );
      options.stop().then(
        () => {
          log(`shut down in ${Date.now() - started} ms`);
          exit(0);
        },
        (error: unknown) => {
          console.error('shutdown failed', error);
          exit(1);
        },
      );
    });
  }
}
