/**
 * The Node server's connection limits, for CI pipelines on a shared box: a cap on open connections, a
 * deadline for headers, an idle timeout that cuts a connection on which no byte moves (a stalled upload:
 * its body read fails, and what it held is given back), an overall deadline long enough for a slow but
 * moving 4 GiB upload, and a short keep-alive.
 */
import type { Server, ServerOptions } from 'node:http';

export interface ConnectionLimits {
  maxConnections: number;
  headersTimeoutSeconds: number;
  /** 0: no overall deadline (the idle timeout still applies). */
  requestTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  keepAliveTimeoutSeconds: number;
}

/** Options for http.createServer (through @hono/node-server's `serverOptions`). */
export function connectionServerOptions(limits: ConnectionLimits): ServerOptions {
  const headersMs = limits.headersTimeoutSeconds * 1000;
  return {
    headersTimeout: headersMs,
    requestTimeout: limits.requestTimeoutSeconds * 1000,
    // How often Node looks for requests past those deadlines (its default, 30 s, would let a 20 s
    // header deadline run to 50 s).
    connectionsCheckingInterval: Math.max(250, Math.min(5000, headersMs / 4)),
  };
}

/** The limits Node sets on the server object rather than through its options; logs refused connections. */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, log = console.warn) {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutSeconds * 1000;
  // Without a 'timeout' listener Node destroys the idle socket: the request's body stream errors.
  server.setTimeout(limits.idleTimeoutSeconds * 1000);
  let refused = 0;
  let lastLogged = 0;
  server.on('drop', () => {
    refused++;
    const now = Date.now();
    // One line per 10 s at most: a flood of connections must not become a flood of log lines.
    if (now - lastLogged < 10_000) return;
    log(`connections refused: ${refused} over the cap of ${limits.maxConnections} open connections`);
    lastLogged = now;
    refused = 0;
  });
}
