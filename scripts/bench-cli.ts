/**
 * `npm run bench:cli [-- --runs N] [-- --offline-only] [-- --json]`: what one `trustgate verify` costs a
 * pipeline as a whole process (issue 16's closing note), next to `openssl cms -verify` on the same files
 * and `node -e 0`, the floor of any Node process start. Offline with the committed CMS fixtures (detached
 * RSA-2048 and P-256 signatures of the same artifact, the acme roots of test/fixtures/cms/trust-store);
 * then, unless --offline-only, against a server started as `npm start` does. Each row is the median wall
 * time of N runs (spawn to exit), the rows run round-robin so that a slow moment of the machine is shared.
 * `npm run bench` prints the offline rows too (cliBench with server: false).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, type RunningServer, startServer } from './bench/server';

const FIXTURES = join(ROOT, 'test/fixtures/cms');
const STORE = join(FIXTURES, 'trust-store');
const ARTIFACT = join(FIXTURES, 'artifacts/acme-widget-1.4.2.bin');
const BUNDLE = join(ROOT, 'bin/trustgate.mjs');
const SIGNATURES = {
  'RSA-2048': join(FIXTURES, 'cases/rsa2048-sha256-detached-der-trusted/signature.der'),
  'P-256': join(FIXTURES, 'cases/ecdsa-p256-sha256-detached-trusted/signature.der'),
};

interface Command {
  name: string;
  file: string;
  args: string[];
  env?: Record<string, string>;
}

export interface CliRow {
  name: string;
  command: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export interface CliFigures {
  runs: number;
  rows: CliRow[];
  notes: string[];
}

function runOnce(command: Command): number {
  const started = performance.now();
  const result = spawnSync(command.file, command.args, {
    cwd: ROOT,
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(
      `${command.name} exited ${result.status}:\n${result.stdout.toString()}${result.stderr.toString()}`,
    );
  }
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The acme roots as one CAfile: the anchors the offline verify has for the vendor. */
function acmeCaFile(work: string): string {
  const dir = join(STORE, 'acme');
  const pems = readdirSync(dir)
    .filter((name) => name.endsWith('.pem'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
  const path = join(work, 'acme-roots.pem');
  writeFileSync(path, pems.join('\n'));
  return path;
}

function commands(work: string, server: RunningServer | null): Command[] {
  const caFile = acmeCaFile(work);
  const list: Command[] = [{ name: 'node -e 0 (process floor)', file: process.execPath, args: ['-e', '0'] }];
  list.push({ name: 'trustgate --version', file: process.execPath, args: [BUNDLE, '--version'] });
  for (const [key, signature] of Object.entries(SIGNATURES)) {
    list.push({
      name: `trustgate verify --offline ${key}`,
      file: process.execPath,
      args: [
        BUNDLE,
        'verify',
        '--offline',
        '--trust-store',
        STORE,
        '--vendor',
        'acme',
        '--signature',
        signature,
        ARTIFACT,
      ],
    });
    list.push({
      name: `openssl cms -verify ${key}`,
      file: 'openssl',
      args: [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        signature,
        '-content',
        ARTIFACT,
        '-CAfile',
        caFile,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
    });
    if (server)
      list.push({
        name: `trustgate verify --server ${key}`,
        file: process.execPath,
        args: [
          BUNDLE,
          'verify',
          '--server',
          server.base,
          '--vendor',
          'acme',
          '--signature',
          signature,
          ARTIFACT,
        ],
        env: { TRUSTGATE_TOKEN: '' },
      });
  }
  return list;
}

/** Median wall times of whole-process verifications; `server: true` starts an `npm start` server for one row per key. */
export async function cliBench(options: {
  runs: number;
  server: boolean;
  log?: (line: string) => void;
}): Promise<CliFigures> {
  const log = options.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'trustgate-bench-cli-'));
  let server: RunningServer | null = null;
  try {
    if (options.server) {
      server = await startServer({ databaseUrl: `file:${join(work, 'trustgate.db')}`, trustStoreDir: STORE });
      log(`server (npm start, fixture trust store) healthy in ${(server.startupMs / 1000).toFixed(1)} s`);
    }
    const list = commands(work, server);
    // One warm-up run each (file cache, the server's first verification), which also checks exit 0.
    for (const command of list) runOnce(command);
    const times = list.map(() => [] as number[]);
    for (let run = 0; run < options.runs; run++) {
      for (const [i, command] of list.entries()) times[i]?.push(runOnce(command));
    }
    const rows = list.map((command, i) => {
      const ms = times[i] as number[];
      return {
        name: command.name,
        command: [command.file === process.execPath ? 'node' : command.file, ...command.args]
          .join(' ')
          .replaceAll(`${ROOT}/`, ''),
        medianMs: Number(median(ms).toFixed(1)),
        minMs: Number(Math.min(...ms).toFixed(1)),
        maxMs: Number(Math.max(...ms).toFixed(1)),
      };
    });
    return {
      runs: options.runs,
      rows,
      notes: [
        'openssl checks less than trustgate: the signature and a chain to the CAfile (-purpose any: no code-signing EKU or key-usage check), no vendor policy, distrust dates, weak-algorithm or RSA-size refusals, no revocation or timestamp handling, and no JSON verdict.',
        'trustgate verify --offline reads and imports the whole trust-store folder on every run (no cache between processes).',
        'Times are spawn to exit, measured from this process: every row includes the same process-start overhead, which the node -e 0 row shows.',
      ],
    };
  } finally {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export function cliTable(figures: CliFigures): string {
  const floor = figures.rows[0]?.medianMs ?? 0;
  const lines = [
    `whole-process verify, median of ${figures.runs} runs (ms)`,
    `${'command'.padEnd(36)}${'median'.padStart(9)}${'min'.padStart(9)}${'max'.padStart(9)}${'- node -e 0'.padStart(13)}`,
  ];
  for (const row of figures.rows) {
    // Over the floor only for the rows that start Node; openssl is a C process with no such start-up.
    const overFloor = row.command.startsWith('node ') ? (row.medianMs - floor).toFixed(1) : '-';
    lines.push(
      `${row.name.padEnd(36)}${row.medianMs.toFixed(1).padStart(9)}${row.minMs.toFixed(1).padStart(9)}${row.maxMs.toFixed(1).padStart(9)}${overFloor.padStart(13)}`,
    );
  }
  lines.push('', ...figures.notes.map((note) => `note: ${note}`));
  return lines.join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number above 0');
  const json = argv.includes('--json');
  const log = (line: string) => (json ? console.error(line) : console.log(line));
  const figures = await cliBench({ runs, server: !argv.includes('--offline-only'), log });
  console.log(json ? JSON.stringify(figures, null, 2) : cliTable(figures));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
