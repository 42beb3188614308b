import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { freePort } from '../helpers/npm-start';
import { FIXTURE_TRUST_STORE } from '../helpers/test-app';

const ROOT = join(import.meta.dirname, '../..');
const BOUNDARY = 'shutdown-test-boundary';

interface ServerProcess {
  port: number;
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: { child: ChildProcess; dataDir: string }[] = [];

afterEach(() => {
  for (const { child, dataDir } of started.splice(0)) {
    if (child.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The server as a child process: `tsx src/platform/node.ts` (the server itself, as `npm start` runs it) or
 * `npm start` (npm's process is the one signalled), on a free port with its database in a temporary folder.
 */
async function startServer(
  how: 'tsx' | 'npm start',
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trustgate-shutdown-'));
  const port = await freePort();
  const [command, args] =
    how === 'tsx'
      ? [join(ROOT, 'node_modules/.bin/tsx'), ['src/platform/node.ts']]
      : ['npm', ['start', '--silent']];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(dataDir, 'trustgate.db')}`,
      TRUST_STORE_DIR: FIXTURE_TRUST_STORE,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ child, dataDir });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (healthy) return { port, child, output: () => output, exit };
    await sleep(100);
  }
  throw new Error(`the server did not become healthy:\n${output}`);
}

async function until(what: string, probe: () => boolean, server: ServerProcess, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (probe()) return;
    await sleep(20);
  }
  throw new Error(`${what} did not happen:\n${server.output()}`);
}

/** Whether a TCP connection to the port is accepted (false: refused). */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A multipart /verify of a trusted fixture, split so that the last bytes can be held back. */
function trustedUpload() {
  const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
  const part = (name: string, filename?: string) =>
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`,
    );
  const artifact = Buffer.from(readFixture(c.artifact));
  const head = Buffer.concat([
    part('vendor'),
    Buffer.from(`${c.vendor}\r\n`),
    part('signature', 'pkg.p7s'),
    Buffer.from(readFixture(c.signature)),
    Buffer.from('\r\n'),
    part('artifact', 'pkg.bin'),
    artifact.subarray(0, artifact.length - 100),
  ]);
  const tail = Buffer.concat([
    artifact.subarray(artifact.length - 100),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  const request = Buffer.from(
    `POST /verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${head.length + tail.length}\r\n\r\n`,
  );
  return { start: Buffer.concat([request, head]), tail };
}

/** Starts the upload and holds its last bytes back: a request in flight until `finish` is called. */
async function uploadInFlight(port: number) {
  const { start, tail } = trustedUpload();
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => {
    received += d;
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(start);
  await sleep(200);
  return {
    finish: () => socket.write(tail),
    received: () => received,
    closed,
  };
}

const shuttingDown = (signal: string) => (server: ServerProcess) => () =>
  server.output().includes(`${signal}: shutting down`);

describe('the Node server stopped by a signal', () => {
  describe.each([
    ['tsx', 'SIGTERM'],
    ['tsx', 'SIGINT'],
    ['npm start', 'SIGTERM'],
  ] as const)('when %s receives %s while an upload is in flight', (how, signal) => {
    it('refuses new connections, answers the upload in full, and exits 0 with nothing listening', async () => {
      const server = await startServer(how);
      const upload = await uploadInFlight(server.port);
      const signalled = Date.now();
      server.child.kill(signal);
      await until('the shutdown log line', shuttingDown(signal)(server), server);
      // A request arriving after the signal: the connection is refused (asked again for a while, so that a
      // connection the kernel completed while the listener was closing on a loaded machine does not count).
      const refusedBy = Date.now() + 3000;
      while ((await accepts(server.port)) && Date.now() < refusedBy) await sleep(20);
      expect(await accepts(server.port)).toBe(false);
      await sleep(300);
      expect(server.child.exitCode).toBeNull();
      upload.finish();
      await upload.closed;
      expect(upload.received()).toMatch(/^HTTP\/1\.1 200 /);
      expect(upload.received()).toContain('"verdict":"trusted"');
      expect(await server.exit).toEqual({ code: 0, signal: null });
      console.log(
        `${how} ${signal}: exited ${Date.now() - signalled} ms after the signal (upload held ~500 ms)`,
      );
      expect(server.output()).toMatch(/shut down in \d+ ms/);
      expect(await accepts(server.port)).toBe(false);
    }, 60_000);
  });

  describe('when an upload is still in flight at the end of SHUTDOWN_GRACE_SECONDS', () => {
    it('cuts it and exits 0', async () => {
      const server = await startServer('tsx', { SHUTDOWN_GRACE_SECONDS: '1' });
      const upload = await uploadInFlight(server.port);
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      await upload.closed;
      expect(await server.exit).toEqual({ code: 0, signal: null });
      const took = Date.now() - signalled;
      console.log(`grace 1 s, upload never finished: exited ${took} ms after SIGTERM`);
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(5000);
      expect(upload.received()).not.toMatch(/^HTTP\/1\.1 200 /);
      expect(server.output()).toContain('requests still in flight after 1 s were cut');
    }, 60_000);
  });

  describe('when a second signal arrives during the shutdown', () => {
    it('exits at once, with 128 + the signal number', async () => {
      const server = await startServer('tsx', { SHUTDOWN_GRACE_SECONDS: '60' });
      await uploadInFlight(server.port);
      server.child.kill('SIGTERM');
      await until('the shutdown log line', shuttingDown('SIGTERM')(server), server);
      const again = Date.now();
      server.child.kill('SIGTERM');
      expect(await server.exit).toEqual({ code: 143, signal: null });
      expect(Date.now() - again).toBeLessThan(3000);
      expect(server.output()).toContain('SIGTERM again: exiting without waiting');
    }, 60_000);
  });
});
