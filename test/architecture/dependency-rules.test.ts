import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const CRUISER = join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const RULES = join(REPO, '.dependency-cruiser.cjs');

/** One planted file per rule: the import it makes and the rule that must refuse it. */
const PLANTED: { file: string; source: string; rule: string; attack: string }[] = [
  {
    attack: 'a domain file imports hono',
    file: 'src/verify/uses-hono.ts',
    source: "import { Hono } from 'hono';\nexport const app = new Hono();\n",
    rule: 'domain-knows-no-framework',
  },
  {
    attack: 'a domain file imports drizzle',
    file: 'src/trust/uses-drizzle.ts',
    source: "import { sql } from 'drizzle-orm';\nexport const q = sql`select 1`;\n",
    rule: 'domain-knows-no-framework',
  },
  {
    attack: 'a domain file imports node:crypto',
    file: 'src/trust/uses-node.ts',
    source: "import { createHash } from 'node:crypto';\nexport const h = createHash('sha256');\n",
    rule: 'domain-knows-no-runtime',
  },
  {
    attack: 'a domain file calls a use case',
    file: 'src/escalation/calls-out.ts',
    source: "import { useCase } from '../services/use-case';\nexport const x = useCase;\n",
    rule: 'domain-imports-no-outer-layer',
  },
  {
    attack: 'a domain file reads the bootstrap',
    file: 'src/advisories/reads-bootstrap.ts',
    source: "import { start } from '../bootstrap';\nexport const y = start;\n",
    rule: 'domain-imports-no-outer-layer',
  },
  {
    attack: 'db/ reaches up to a use case',
    file: 'src/db/reaches-up.ts',
    source: "import { useCase } from '../services/use-case';\nexport const z = useCase;\n",
    rule: 'db-only-implements-ports',
  },
  {
    attack: 'a use case builds its own repository',
    file: 'src/services/opens-db.ts',
    source: "import { repo } from '../db/repo';\nexport const u = repo;\n",
    rule: 'services-take-ports',
  },
  {
    attack: 'a use case imports a handler',
    file: 'src/services/knows-http.ts',
    source: "import { handler } from '../http/handler';\nexport const w = handler;\n",
    rule: 'services-know-no-http',
  },
  {
    attack: 'a handler imports a repository',
    file: 'src/http/reads-db.ts',
    source: "import { repo } from '../db/repo';\nexport const v = repo;\n",
    rule: 'http-knows-no-storage',
  },
  {
    attack: 'a handler imports node:fs',
    file: 'src/http/uses-node.ts',
    source: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    rule: 'only-platform-knows-the-runtime',
  },
  {
    attack: 'the offline core reaches a repository through a use case',
    file: 'src/offline.ts',
    source: "import { useCase } from './services/opens-db';\nexport const o = useCase;\n",
    rule: 'offline-core-bundles-alone',
  },
  {
    attack: 'the command opens the database itself instead of taking its I/O',
    file: 'src/cli/opens-db.ts',
    source: "import { repo } from '../db/repo';\nexport const c = repo;\n",
    rule: 'cli-takes-its-io',
  },
  {
    attack: 'a use case calls into the command',
    file: 'src/services/runs-cli.ts',
    source: "import { runCli } from '../cli';\nexport const s = runCli;\n",
    rule: 'only-the-door-runs-the-cli',
  },
  {
    attack: 'two domain files import each other',
    file: 'src/advisories/cycle-a.ts',
    source: "import { b } from './cycle-b';\nexport const a = () => b;\n",
    rule: 'no-import-cycle',
  },
];

/** Files the planted ones import, and files that break no rule. */
const SUPPORT: Record<string, string> = {
  'src/advisories/cycle-b.ts': "import { a } from './cycle-a';\nexport const b = () => a;\n",
  'src/services/use-case.ts': "import { rule } from '../trust/rule';\nexport const useCase = rule;\n",
  'src/http/handler.ts': "import { useCase } from '../services/use-case';\nexport const handler = useCase;\n",
  'src/db/repo.ts': "import { rule } from '../trust/rule';\nexport const repo = rule;\n",
  'src/trust/rule.ts': 'export const rule = 1;\n',
  'src/cli/index.ts': "import { rule } from '../trust/rule';\nexport const runCli = rule;\n",
  'src/bootstrap.ts':
    "import { handler } from './http/handler';\nimport { repo } from './db/repo';\nexport const start = [handler, repo];\n",
  'src/platform/node.ts':
    "import { readFileSync } from 'node:fs';\nimport { start } from '../bootstrap';\nexport const n = [readFileSync, start];\n",
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let tree: string;
let violations: Violation[];

beforeAll(async () => {
  tree = mkdtempSync(join(tmpdir(), 'trustgate-layers-'));
  for (const [file, source] of [
    ...PLANTED.map((p) => [p.file, p.source] as const),
    ...Object.entries(SUPPORT),
  ]) {
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    writeFileSync(join(tree, file), source);
  }
  writeFileSync(
    join(tree, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }),
  );
  symlinkSync(join(REPO, 'node_modules'), join(tree, 'node_modules'), 'dir');
  const run = promisify(execFile);
  const output = await run(process.execPath, [CRUISER, 'src', '--config', RULES, '--output-type', 'json'], {
    cwd: tree,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  violations = JSON.parse(output.stdout).summary.violations as Violation[];
}, 60_000);

afterAll(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
});

describe('layer rules (.dependency-cruiser.cjs, run by npm run lint)', () => {
  describe.each(PLANTED)('when $attack', ({ file, rule }) => {
    it(`is refused by ${rule}`, () => {
      expect(violations.filter((v) => v.from === file).map((v) => v.rule.name)).toContain(rule);
    });
  });

  describe('when every import points inward', () => {
    it('refuses nothing in the files that keep the rules', () => {
      const clean = Object.keys(SUPPORT).filter((f) => f !== 'src/advisories/cycle-b.ts');
      expect(violations.filter((v) => clean.includes(v.from))).toEqual([]);
    });
  });
});
