import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { runProcess } from '../helpers/run-process';

export const ROOT = join(import.meta.dirname, '../..');
/** The committed single-file bundle, exactly what pipelines download (`npm test` checks it is fresh). */
export const TRUSTGATE = join(ROOT, 'bin/trustgate.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the command, from GNU time (KiB), when measured. */
  maxRssKib?: number;
}

/**
 * Runs `node bin/trustgate.mjs ARGS` as a pipeline would: a child process, its own environment (no
 * TRUSTGATE_* or GITHUB_* leaking in from the test's), exit code and both streams.
 */
export async function runTrustgate(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; measureMemory?: boolean } = {},
): Promise<Run> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...options.env,
  };
  const [command, argv] = options.measureMemory
    ? ['/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, TRUSTGATE, ...args]]
    : [process.execPath, [TRUSTGATE, ...args]];
  const run = await runProcess(command as string, argv as string[], { cwd: options.cwd ?? ROOT, env });
  const rss = /maxrss=(\d+)/.exec(run.stderr);
  return { ...run, ...(rss ? { maxRssKib: Number(rss[1]) } : {}) };
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface LoopbackServer {
  base: string;
  /** Requests whose body arrived whole. */
  readonly requests: number;
  close: () => Promise<void>;
}

/**
 * A server on 127.0.0.1 whose answers the test writes on the raw response (a trickle, a redirect, a body
 * cut short, nothing at all), once the request body has been read; `body` is its size in bytes.
 */
export async function startRawServer(
  handle: (
    request: { method: string; url: string; headers: IncomingHttpHeaders; body: number },
    response: ServerResponse,
  ) => void,
): Promise<LoopbackServer> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = 0;
    req.on('data', (chunk: Buffer) => {
      body += chunk.byteLength;
    });
    req.on('end', () => {
      requests += 1;
      handle({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    base: `http://127.0.0.1:${address.port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `trustgate verify --offline --trust-store STORE --vendor VENDOR --signature SIGNATURE ARTIFACT`: one
 * detached signature checked with no server.
 */
export function verifyOffline(
  spec: { store: string; signature: string; artifact: string; vendor?: string; extra?: string[] },
  options: Parameters<typeof runTrustgate>[1] = {},
): Promise<Run> {
  return runTrustgate(
    [
      'verify',
      '--vendor',
      spec.vendor ?? 'acme',
      '--offline',
      '--trust-store',
      spec.store,
      ...(spec.extra ?? []),
      '--signature',
      spec.signature,
      spec.artifact,
    ],
    options,
  );
}

/** A server on 127.0.0.1 that answers every request with `answer` (a proxy's page, a failing server, a liar). */
export function startFakeServer(
  answer: (request: { method: string; url: string; body: number }) => FakeAnswer,
): Promise<LoopbackServer> {
  return startRawServer((request, response) => {
    const reply = answer(request);
    response.writeHead(reply.status, reply.headers ?? {});
    response.end(reply.body);
  });
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no address');
  return address.port;
}
