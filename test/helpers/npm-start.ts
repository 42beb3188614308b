import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface NpmStartedServer {
  /** http://127.0.0.1:<port> */
  base: string;
  /** Everything the server printed so far. */
  output: () => string;
  exited: () => boolean;
  /** Stops the server (npm runs it as its child: the whole process group) and removes its data. */
  stop: () => void;
}

/**
 * Starts the server exactly as a user does (`npm start`) on a free 127.0.0.1 port, with its database in a
 * fresh temporary folder and the extra environment given; resolves once GET /health answers 200.
 */
export async function startWithNpm(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<NpmStartedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trustgate-npm-start-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(dataDir, 'db', 'trustgate.db')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const server: NpmStartedServer = {
    base,
    output: () => output,
    exited: () => child.exitCode !== null,
    stop: () => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exited()) throw new Error(`npm start exited early:\n${output}`);
    const healthy = await fetch(`${base}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (healthy) return server;
    await new Promise((r) => setTimeout(r, 200));
  }
  server.stop();
  throw new Error(`npm start did not become healthy:\n${output}`);
}
