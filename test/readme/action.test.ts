import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const ACTION = readFileSync(join(ROOT, 'action.yml'), 'utf8');

/** The composite step's `run: |` block scalar, dedented (the action has one step). */
function runScript(yaml: string): string {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => /^\s+run: \|\s*$/.test(l));
  const body: string[] = [];
  let indent = -1;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') {
      body.push('');
      continue;
    }
    const own = line.length - line.trimStart().length;
    if (indent < 0) indent = own;
    if (own < indent) break;
    body.push(line.slice(indent));
  }
  return `${body.join('\n')}\n`;
}

interface Inputs {
  vendor?: string;
  packages?: string;
  signature?: string;
  server?: string;
  offline?: string;
  'trust-store'?: string;
  quiet?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'trustgate-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the step as the runner does (`bash --noprofile --norc -eo pipefail`), inputs as its env maps them. */
function runStep(inputs: Inputs, actionPath: string, extraEnv: Record<string, string> = {}) {
  const work = mkdtempSync(join(dir, 'run-'));
  const script = join(work, 'step.sh');
  const output = join(work, 'github-output');
  writeFileSync(script, runScript(ACTION));
  writeFileSync(output, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: work,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: output,
      GITHUB_ACTION_PATH: actionPath,
      TG_VENDOR: inputs.vendor ?? '',
      TG_PACKAGES: inputs.packages ?? '',
      TG_SIGNATURE: inputs.signature ?? '',
      TG_SERVER: inputs.server ?? '',
      TG_OFFLINE: inputs.offline ?? 'false',
      TG_TRUST_STORE: inputs['trust-store'] ?? '',
      TG_QUIET: inputs.quiet ?? 'false',
      ...extraEnv,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('=', 2) as [string, string]),
  );
  return { ...result, outputs, work };
}

/** An action folder whose bin/trustgate.mjs records its arguments and exits with STUB_EXIT. */
function stubAction(): string {
  const path = join(dir, 'stub-action');
  if (existsSync(path)) return path;
  mkdirSync(join(path, 'bin'), { recursive: true });
  writeFileSync(
    join(path, 'bin/trustgate.mjs'),
    `import { writeFileSync } from 'node:fs';
writeFileSync('argv.json', JSON.stringify(process.argv.slice(2)));
process.exit(Number(process.env.STUB_EXIT ?? 0));
`,
  );
  return path;
}

const argvOf = (work: string) => JSON.parse(readFileSync(join(work, 'argv.json'), 'utf8')) as string[];

describe('action.yml', () => {
  describe('when its text is read', () => {
    it('maps every input into the step through env, never into the script text', () => {
      const uses = ACTION.split('\n').filter((l) => l.includes('${{ inputs.'));
      expect(uses.length).toBeGreaterThanOrEqual(7);
      for (const line of uses) expect(line).toMatch(/^ {8}TG_[A-Z_]+: \$\{\{ inputs\.[a-z-]+ \}\}$/);
      expect(runScript(ACTION)).not.toContain('${{');
    });
    it('runs the committed bundle with the runner node, nothing installed or downloaded', () => {
      const script = runScript(ACTION);
      expect(script).toContain('node "$GITHUB_ACTION_PATH/bin/trustgate.mjs"');
      expect(script).not.toMatch(/\b(npm|npx|curl|wget)\b|setup-node/);
    });
  });

  describe('when inputs hold shell syntax', () => {
    it('passes them as single arguments and runs none of it', () => {
      const hostile = '$(touch pwned) `touch pwned2` "; touch pwned3 #';
      const run = runStep(
        {
          vendor: hostile,
          packages: `a.zip\n  dir with space/ \n-rf\n\n${hostile}\n`,
          server: 'http://127.0.0.1:1',
        },
        stubAction(),
      );
      expect(run.status).toBe(0);
      expect(argvOf(run.work)).toEqual([
        'verify',
        '--vendor',
        hostile,
        '--server',
        'http://127.0.0.1:1',
        'a.zip',
        'dir with space/',
        './-rf',
        hostile,
      ]);
      for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(run.work, f))).toBe(false);
    });
  });

  describe('when the command exits non-zero', () => {
    it.each([
      [1, 'rejected'],
      [2, 'unknown_root'],
      [3, 'error'],
      [4, 'unreachable'],
    ])('fails the step with exit %s and outputs it as %s', (code, result) => {
      const run = runStep({ vendor: 'acme', packages: 'pkg.zip' }, stubAction(), { STUB_EXIT: String(code) });
      expect(run.status).toBe(code);
      expect(run.outputs).toEqual({ 'exit-code': String(code), result });
    });
  });

  describe('when offline', () => {
    it('passes --offline with the trust store and no server', () => {
      const run = runStep(
        {
          vendor: 'acme',
          packages: 'pkg.zip',
          offline: 'true',
          'trust-store': 'store',
          server: 'http://x',
          quiet: 'true',
        },
        stubAction(),
      );
      expect(argvOf(run.work)).toEqual([
        'verify',
        '--vendor',
        'acme',
        '--offline',
        '--trust-store',
        'store',
        '--quiet',
        'pkg.zip',
      ]);
    });
    it('refuses offline without a trust store as a usage error (3)', () => {
      const run = runStep({ vendor: 'acme', packages: 'pkg.zip', offline: 'true' }, stubAction());
      expect(run.status).toBe(3);
      expect(run.stdout).toContain('::error title=trustgate::input offline needs input trust-store');
      expect(run.outputs).toEqual({ 'exit-code': '3', result: 'error' });
    });
  });

  describe('when a flag input is not true or false', () => {
    it('is a usage error (3), not a default', () => {
      const run = runStep({ vendor: 'acme', packages: 'pkg.zip', offline: 'yes' }, stubAction());
      expect(run.status).toBe(3);
      expect(run.stdout).toContain("input offline must be 'true' or 'false'");
    });
  });

  describe('when packages names nothing', () => {
    it('is a usage error (3)', () => {
      const run = runStep({ vendor: 'acme', packages: '  \n\n' }, stubAction());
      expect(run.status).toBe(3);
    });
  });

  describe('when it runs the real bundle offline against the seeded trust store', () => {
    it('says trusted for an acme package with its signature beside it', () => {
      expect(
        existsSync(join(ROOT, 'bin/trustgate.mjs')),
        'bin/trustgate.mjs is missing: the action runs the committed bundle (npm run build:cli)',
      ).toBe(true);
      const pkg = join(dir, 'pkg');
      mkdirSync(pkg, { recursive: true });
      const cms = join(ROOT, 'test/fixtures/cms');
      writeFileSync(join(pkg, 'pkg.zip'), readFileSync(join(cms, 'artifacts/acme-widget-1.4.2.bin')));
      writeFileSync(
        join(pkg, 'pkg.zip.p7s'),
        readFileSync(join(cms, 'cases/rsa2048-sha256-detached-der-trusted/signature.der')),
      );
      const run = runStep(
        {
          vendor: 'acme',
          packages: join(pkg, 'pkg.zip'),
          offline: 'true',
          'trust-store': join(ROOT, 'trust-store'),
        },
        ROOT,
      );
      expect(run.outputs, run.stdout + run.stderr).toEqual({ 'exit-code': '0', result: 'trusted' });
      expect(run.status).toBe(0);
    });
  });
});
