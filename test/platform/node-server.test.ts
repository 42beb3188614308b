import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { FIXTURE_TRUST_STORE } from '../helpers/test-app';

const ROOT = join(import.meta.dirname, '../..');

function freePort(): Promise<number> {
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

async function waitForHealth(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    try {
      if ((await fetch(`${base}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${log()}`);
}

describe('the Node server started as `npm start` does', () => {
  let child: ChildProcess;
  let base: string;
  let output = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'trustgate-server-'));

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${join(dataDir, 'db', 'trustgate.db')}`,
        TRUST_STORE_DIR: FIXTURE_TRUST_STORE,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    await waitForHealth(base, child, () => output);
  }, 60_000);

  afterAll(() => {
    // npm runs the server as its child: stop the whole process group.
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('when it has started', () => {
    it('answers /health with 200 and says what it imported', async () => {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect(output).toMatch(/2 vendors created, \d+ roots added/);
    });
  });

  describe('when a pipeline posts a package and its signature over 127.0.0.1', () => {
    it('answers with the verdict', async () => {
      const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
      const form = new FormData();
      form.append('artifact', new Blob([readFixture(c.artifact)]), 'pkg.zip');
      form.append('signature', new Blob([readFixture(c.signature)]), 'pkg.zip.p7s');
      form.append('vendor', 'acme');
      const res = await fetch(`${base}/verify`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      const body = await res.json();
      // The real clock: the fixtures are valid from 2024 to 2034.
      expect(body.verdict).toBe('trusted');
    });
  });
});
