/**
 * The Workers bundle stays within the plan's limit: builds it offline as `wrangler deploy --dry-run` does
 * (the same esbuild bundle that would be uploaded) and fails when its gzipped size exceeds the budget.
 * Also fails when src/platform/trust-store-bundle.ts is out of date with trust-store/.
 *
 *   npm run check:bundle      (part of npm test)
 *   BUNDLE_BUDGET_BYTES=...   another budget (default 1 MiB gzipped: trustgate's budget, inside Workers' upload limits)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const BUDGET = Number(process.env.BUNDLE_BUDGET_BYTES ?? 1024 * 1024);
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    console.error(`check-bundle-size: ${command} ${args.join(' ')} failed (${result.status})`);
    process.exit(1);
  }
  return result.stdout;
}

run(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/bundle-trust-store.ts', '--check']);

const outdir = mkdtempSync(join(tmpdir(), 'trustgate-worker-'));
try {
  run(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir]);
  const modules = readdirSync(outdir).filter((f) => !f.endsWith('.map') && f !== 'README.md');
  let raw = 0;
  let gzip = 0;
  for (const file of modules) {
    const bytes = readFileSync(join(outdir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  const line = `worker bundle (${modules.join(', ')}): ${kib(raw)} raw, ${kib(gzip)} gzipped; budget ${kib(BUDGET)} gzipped`;
  if (gzip > BUDGET) {
    console.error(`${line}: OVER BUDGET by ${kib(gzip - BUDGET)}`);
    process.exit(1);
  }
  console.log(`${line}: ok (${((gzip / BUDGET) * 100).toFixed(0)}% used)`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
