import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { runProcess } from '../helpers/run-process';
import { expectedExits, scriptOf, shellBlocks } from './readme-blocks';

const ROOT = join(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'bin/trustgate.mjs');
const ADMIN_TOKEN = 'readme-examples-admin-token-0123456789';
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = shellBlocks(README);
const skipped = blocks.filter((b) => b.skip);

/**
 * The files the README's examples name, made from committed fixtures: an acme package with its detached
 * signature (chain valid 2024..2034 to a seeded acme root), a JAR signed under a root the seed does not
 * hold, and two CA roots the seed does not hold.
 */
function exampleFiles(dir: string): void {
  const cms = join(ROOT, 'test/fixtures/cms');
  const put = (from: string, to: string) => copyFileSync(from, join(dir, to));
  put(join(cms, 'artifacts/acme-widget-1.4.2.bin'), 'pkg.zip');
  put(join(cms, 'cases/rsa2048-sha256-detached-der-trusted/signature.der'), 'pkg.zip.p7s');
  put(join(ROOT, 'test/fixtures/jar/jars/signed-rsa-trusted.jar'), 'widget.jar');
  put(join(cms, 'extra-roots/acme-root-r2.pem'), 'new-root.pem');
  put(join(ROOT, 'test/fixtures/jar/trust-store/acme/acme-jar-root.pem'), 'jar-root.pem');
  mkdirSync(join(dir, 'dist'));
  put(join(dir, 'pkg.zip'), 'dist/pkg.zip');
  put(join(dir, 'pkg.zip.p7s'), 'dist/pkg.zip.p7s');
  symlinkSync(join(ROOT, 'trust-store'), join(dir, 'trust-store'));
}

const runBash = (script: string, cwd: string, env: NodeJS.ProcessEnv) =>
  runProcess('bash', ['-c', script], { cwd, env });

describe('README.md shell examples', () => {
  describe('when a block is marked to be skipped', () => {
    it.each(skipped.map((b) => [b.line, b.skip]))('leaves out the block at line %s: %s', (_line, reason) => {
      expect(reason?.trim().length).toBeGreaterThan(10);
    });
  });

  describe('when the README runs as written against npm start', () => {
    let server: NpmStartedServer;
    const dir = mkdtempSync(join(tmpdir(), 'trustgate-readme-'));
    const shims = join(dir, '.bin');

    beforeAll(async () => {
      const work = join(dir, 'work');
      mkdirSync(work);
      exampleFiles(work);
      mkdirSync(shims);
      writeFileSync(join(shims, 'trustgate'), `#!/bin/sh\nexec node ${JSON.stringify(BUNDLE)} "$@"\n`);
      chmodSync(join(shims, 'trustgate'), 0o755);
      server = await startWithNpm({ ADMIN_TOKEN });
    }, 60_000);

    afterAll(() => {
      server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('has runnable blocks that exercise both curl and the trustgate command', () => {
      const runnable = blocks.filter((b) => !b.skip).map((b) => b.code);
      expect(runnable.some((code) => /^curl /m.test(code))).toBe(true);
      expect(runnable.some((code) => /^trustgate /m.test(code))).toBe(true);
      expect(blocks.filter((b) => !b.skip).flatMap(expectedExits).length).toBeGreaterThan(0);
    });

    it('runs every runnable block in order, each command exiting 0 or as its "# exits N" says', async () => {
      expect(
        existsSync(BUNDLE),
        'bin/trustgate.mjs is missing: the README examples run the committed bundle (npm run build:cli)',
      ).toBe(true);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${shims}:${process.env.PATH ?? ''}`,
        TRUSTGATE_URL: server.base,
        ADMIN_TOKEN,
      };
      // The README's commands must not pick up the test runner's own CI context or credentials.
      for (const name of ['TRUSTGATE_TOKEN', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY']) delete env[name];
      const result = await runBash(scriptOf(blocks), join(dir, 'work'), env);
      expect(
        result.code,
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}\nserver:\n${server.output()}`,
      ).toBe(0);
      expect(result.stdout).toContain('== every runnable block ran');
    }, 60_000);
  });
});
