/** Starts the Node server exactly as `npm start` does (its own process group), and watches its memory. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

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

export interface RunningServer {
  base: string;
  child: ChildProcess;
  /** ms from spawn to the first 200 from /health (includes importing the trust store). */
  startupMs: number;
  output: () => string;
  /** The pid of the process that serves (the deepest node process of the group, by memory). */
  serverPid: number;
  stop: () => Promise<void>;
}

function statusField(pid: number, field: string): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resident memory of a process in bytes (VmRSS), and its peak so far (VmHWM). */
export const rssOf = (pid: number) => statusField(pid, 'VmRSS');
export const peakRssOf = (pid: number) => statusField(pid, 'VmHWM');

function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

export async function startServer(env: {
  databaseUrl: string;
  trustStoreDir: string;
  /** More environment for the server (npm run stress: ADMIN_TOKEN, STATS_LOG_SECONDS, ...). */
  extra?: Record<string, string>;
}): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: env.databaseUrl,
      TRUST_STORE_DIR: env.trustStoreDir,
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  let stopped = false;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // the group is gone already
    }
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.pid && child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      signalGroup('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) signalGroup('SIGKILL');
    }
  };
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not become healthy:\n${output}`);
    }
    try {
      if ((await fetch(`${base}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const startupMs = performance.now() - started;
  const pid = child.pid as number;
  const members = groupMembers(pid);
  const serverPid = members.reduce((best, p) => ((rssOf(p) ?? 0) > (rssOf(best) ?? 0) ? p : best), pid);
  return { base, child, startupMs, output: () => output, serverPid, stop };
}
