/**
 * CPU time per POST /verify inside workerd: starts `wrangler dev` (local D1), warms the isolate, then for
 * N requests per fixture case reports
 *  - workerd process CPU per request (time on CPU from /proc schedstat, all workerd threads: the isolate, the
 *    local D1's SQLite, HTTP and wrangler's proxy worker; an upper bound, and insensitive to other load),
 *    also net of a GET /health baseline (the fixed cost of any request through the local stack); first
 *    for signatures seen once (caches cold for their paths), then repeated (the path cache warm);
 *  - the V8 CPU profiler's non-idle sampled time per request (the isolate's JavaScript and WebCrypto;
 *    inflated by the profiler's own overhead; with PROFILE=1 only).
 *
 *   npx tsx scripts/measure-worker-cpu.ts [requests per case, default 50]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';

const ROOT = resolve(import.meta.dirname, '..');
const PORT = 8797;
const INSPECTOR = 9239;
const N = Number(process.argv[2] ?? 50);
const CMS = join(ROOT, 'test/fixtures/cms');
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };
const wrangler = join(ROOT, 'node_modules/.bin/wrangler');

interface Manifest {
  name: string;
  vendor: string;
  artifact: string;
  signature: string;
}
const manifest: Manifest[] = JSON.parse(readFileSync(join(CMS, 'manifest.json'), 'utf8'));
const CASES = [
  'rsa2048-sha256-detached-der-trusted',
  'ecdsa-p256-sha256-detached-trusted',
  'rsa3072-sha384-detached-trusted',
  'two-intermediates-trusted',
  'cross-signed-r2-via-old-root-trusted',
  'artifact-tampered-digest-mismatch',
  'globex-chain-checked-against-acme-unknown-root',
];

function form(c: Manifest): FormData {
  const f = new FormData();
  f.append('vendor', c.vendor);
  f.append('artifact', new Blob([readFileSync(join(CMS, c.artifact))]), 'artifact.bin');
  f.append('signature', new Blob([readFileSync(join(CMS, c.signature))]), 'signature.der');
  return f;
}

async function waitFor(url: string, child: ChildProcess) {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error('wrangler dev exited');
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} never answered`);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function inspector() {
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR}/json`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const target = targets.find((t) => t.webSocketDebuggerUrl);
  if (!target) throw new Error('no inspector target');
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    }
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((r) => {
      id++;
      pending.set(id, r);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** The functions with the most self time, for PROFILE_TOP=n. */
function topFunctions(profile: Profile, n: number): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame as { functionName: string; url?: string; lineNumber?: number };
    const key = `${frame.functionName || '(anonymous)'} ${(frame.url ?? '').split('/').slice(-2).join('/')}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `      ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`)
    .join('\n');
}

function busyMicros(profile: Profile): number {
  const idle = new Set(
    profile.nodes.filter((n) => ['(idle)', '(program)'].includes(n.callFrame.functionName)).map((n) => n.id),
  );
  let busy = 0;
  profile.samples.forEach((node, i) => {
    if (!idle.has(node)) busy += profile.timeDeltas[i] ?? 0;
  });
  return busy;
}

function workerdPids(root: number): number[] {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(pid, Number(fields[1]));
      names.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {}
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...names].filter(([pid, cmd]) => cmd.includes('workerd') && descends(pid)).map(([pid]) => pid);
}

/** Time on CPU of every thread of the processes, in ms (schedstat: nanoseconds, unlike /proc/<pid>/stat's ticks). */
function cpuMs(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {}
    }
  }
  return ns / 1e6;
}

const migrate = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'trustgate', '--local'], {
  cwd: ROOT,
  env,
});
if (migrate.status !== 0) throw new Error(String(migrate.stderr));
const dev = spawn(
  wrangler,
  [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(PORT),
    '--inspector-port',
    String(INSPECTOR),
    ...(process.env.PROFILE === '1' ? ['--minify=false'] : []),
  ],
  { cwd: ROOT, env, stdio: 'ignore', detached: true },
);
try {
  // Wait for workerd without sending the worker a request, so that its first request can be measured.
  let pids: number[] = [];
  for (let i = 0; i < 120 && pids.length < 2; i++) {
    if (dev.exitCode !== null)
      throw new Error(`wrangler dev exited (${dev.exitCode}): is port ${PORT} taken?`);
    await new Promise((r) => setTimeout(r, 500));
    pids = workerdPids(dev.pid ?? 0);
  }
  await new Promise((r) => setTimeout(r, 3000));
  if (pids.length === 0) throw new Error('no workerd process found under wrangler dev');
  const url = `http://127.0.0.1:${PORT}`;
  {
    const before = cpuMs(pids);
    const res = await fetch(`${url}/health`);
    await res.text();
    console.log(
      `  first request of a fresh isolate (GET /health: app and playbooks set up, seed check on a seeded D1)  ${(cpuMs(pids) - before).toFixed(2)} ms (${res.status})`,
    );
  }
  await waitFor(`${url}/health`, dev);
  const perRequest = async (request: () => Promise<Response>) => {
    for (let i = 0; i < 5; i++) await (await request()).text();
    const before = cpuMs(pids);
    let last = '';
    for (let i = 0; i < N; i++) last = await (await request()).text();
    return { cpu: (cpuMs(pids) - before) / N, last };
  };
  const health = await perRequest(() => fetch(`${url}/health`));
  console.log(`workerd CPU per request (wrangler dev, local D1, warm isolate, ${N} requests each):`);
  console.log(`  GET /health (baseline)                            ${health.cpu.toFixed(2)} ms`);
  const first = manifest.find((m) => m.name === CASES[0]);
  if (first) {
    const unknownVendor = await perRequest(() =>
      fetch(`${url}/verify`, { method: 'POST', body: form({ ...first, vendor: 'nobody' }) }),
    );
    console.log(
      `  POST /verify, unknown vendor (body read, one D1 query, 422)  ${unknownVendor.cpu.toFixed(2)} ms`,
    );
  }
  // Each fixture signature once, before anything below repeats them: every path is new to the caches
  // (shared intermediates and roots may already be parsed), as when a pipeline meets a new signer.
  {
    const once = manifest.filter((m) => !CASES.includes(m.name));
    const byVerdict = new Map<string, number[]>();
    for (const c of once) {
      const before = cpuMs(pids);
      const body = await (await fetch(`${url}/verify`, { method: 'POST', body: form(c) })).text();
      const spent = cpuMs(pids) - before;
      const verdict = (JSON.parse(body) as { verdict?: string }).verdict ?? 'refused';
      byVerdict.set(verdict, [...(byVerdict.get(verdict) ?? []), spent]);
    }
    for (const [verdict, spent] of byVerdict) {
      const average = spent.reduce((a, b) => a + b, 0) / spent.length;
      console.log(
        `  POST /verify, first sight (no path-cache hit), ${verdict}: ${spent.length} fixture signatures, average ${average.toFixed(2)} ms`,
      );
    }
  }
  const profiled = process.env.PROFILE === '1' ? await inspector() : null;
  if (profiled) {
    await profiled.send('Profiler.enable');
    await profiled.send('Profiler.setSamplingInterval', { interval: 1000 });
  }
  for (const name of CASES) {
    const c = manifest.find((m) => m.name === name);
    if (!c) continue;
    const verify = () => fetch(`${url}/verify`, { method: 'POST', body: form(c) });
    const { cpu, last } = await perRequest(verify);
    const verdict = (JSON.parse(last) as { verdict: string }).verdict;
    let sampled = '';
    if (profiled) {
      await profiled.send('Profiler.start');
      for (let i = 0; i < N; i++) await (await verify()).text();
      const { profile } = (await profiled.send('Profiler.stop')) as { profile: Profile };
      sampled = `   V8 profiler ${(busyMicros(profile) / 1000 / N).toFixed(2)} ms`;
      if (process.env.PROFILE_TOP) console.log(topFunctions(profile, Number(process.env.PROFILE_TOP)));
    }
    console.log(
      `  POST /verify ${name.padEnd(48)} ${verdict.padEnd(12)} ${cpu.toFixed(2)} ms (net of baseline ${(cpu - health.cpu).toFixed(2)} ms)${sampled}`,
    );
  }
  profiled?.close();
} finally {
  try {
    if (dev.pid) process.kill(-dev.pid, 'SIGTERM');
  } catch {}
}
