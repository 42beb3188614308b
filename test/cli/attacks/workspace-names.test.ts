import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate, startFakeServer } from '../run-trustgate';
import { ARTIFACT, genuineTrustedVerdict, TRUST_STORE, TRUSTED_SIG } from './liar-server';

/** Lines as a CI runner splits them (a carriage return ends a line too). */
const runnerLines = (text: string) => text.split(/\r\n|\r|\n/);
const workflowCommands = (text: string) => runnerLines(text).filter((l) => /^\s*::/.test(l));

describe('trustgate verify on a workspace shaped by an attacker’s pull request', () => {
  let work: string;
  const offline = ['--offline', '--trust-store', TRUST_STORE];

  /** A fresh folder holding a.bin, trusted with its signature a.bin.p7s. */
  const folderWithTrustedPackage = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir);
    copyFileSync(ARTIFACT, join(dir, 'a.bin'));
    copyFileSync(TRUSTED_SIG, join(dir, 'a.bin.p7s'));
    return dir;
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-attack-'));
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('when a shell glob brings in a file named like an option (`trustgate verify ... *`)', () => {
    it('a file named --help does not end the run with 0 and nothing verified', async () => {
      const dir = folderWithTrustedPackage('glob-help');
      writeFileSync(join(dir, 'evil.bin'), 'not signed');
      writeFileSync(join(dir, '--help'), '');
      // What `*` expands to in that folder.
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', ...offline, '--help', 'a.bin', 'evil.bin'],
        {
          cwd: dir,
        },
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /USAGE: '--help' is an option and also a file here .*put -- before the paths/,
      );
      expect(run.stdout).toBe('');
    });

    it('a file named --server=http:HOST does not choose the server that answers', async () => {
      const fake = await startFakeServer(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }));
      const liar = `--server=http:${fake.base.slice('http://'.length)}`;
      const dir = folderWithTrustedPackage('glob-server');
      writeFileSync(join(dir, liar), '');
      const run = await runTrustgate(['verify', '--vendor', 'acme', liar, 'a.bin'], {
        cwd: dir,
        env: { TRUSTGATE_URL: 'http://127.0.0.1:9' },
      });
      await fake.close();
      expect(run.code).toBe(3);
      expect(fake.requests).toBe(0);
    });

    it('a file named -- is refused rather than taken for the end of the options (and left unverified)', async () => {
      const dir = folderWithTrustedPackage('glob-dashes');
      writeFileSync(join(dir, '--'), 'not signed');
      const run = await runTrustgate(['verify', '--vendor', 'acme', ...offline, '--', 'a.bin'], { cwd: dir });
      expect(run.code).toBe(3);
    });

    it('still verifies paths after -- when no such file is there', async () => {
      const dir = folderWithTrustedPackage('dashes-typed');
      const run = await runTrustgate(['verify', '--vendor', 'acme', ...offline, '--', 'a.bin'], { cwd: dir });
      expect(run.code).toBe(0);
    });
  });

  describe('when a folder holds names that cannot be read as a file', () => {
    it('a dangling link, a FIFO and a link loop each fail the folder instead of being skipped', async () => {
      const dir = folderWithTrustedPackage('special');
      symlinkSync(join(work, 'nowhere.bin'), join(dir, 'b-dangling.bin'));
      execFileSync('mkfifo', [join(dir, 'c-fifo.bin')]);
      symlinkSync('d-loop.bin', join(dir, 'd-loop.bin'));
      mkdirSync(join(dir, 'e-subfolder'));
      const run = await runTrustgate(['verify', '--vendor', 'acme', ...offline, dir]);
      expect(run.code).toBe(3);
      const verdicts = runnerLines(run.stdout)
        .filter((l) => l.includes(dir))
        .map((l) => l.split(/\s+/).slice(0, 2).join(' '));
      expect(verdicts).toEqual([
        `trusted ${join(dir, 'a.bin')}`,
        `error ${join(dir, 'b-dangling.bin')}`,
        `error ${join(dir, 'c-fifo.bin')}`,
        `error ${join(dir, 'd-loop.bin')}`,
        // A subfolder is not verified, so it is an error too unless named (FOLDER_NOT_VERIFIED).
        `error ${join(dir, 'e-subfolder')}`,
      ]);
      expect(run.stderr).not.toContain('INTERNAL');
    });
  });

  describe('when a named folder is empty beside a trusted package', () => {
    it('exits 3: a build that produced nothing is not a pass for that folder', async () => {
      const dir = folderWithTrustedPackage('beside-empty');
      mkdirSync(join(work, 'empty'));
      const run = await runTrustgate(['verify', '--vendor', 'acme', ...offline, join(work, 'empty'), dir]);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^error\s+\S+empty\s+FILE_NOT_FOUND: .*no package files/m);
    });
  });

  describe('when a package name carries a line break and the progress bar is drawn', () => {
    it('no line of stderr is a workflow command', async () => {
      const verdict = await genuineTrustedVerdict();
      const fake = await startFakeServer(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(verdict),
      }));
      const dir = join(work, 'progress');
      mkdirSync(dir);
      const evil = join(dir, 'big.bin\n::warning::injected');
      writeFileSync(evil, new Uint8Array(5 * 1024 * 1024));
      copyFileSync(TRUSTED_SIG, `${evil}.p7s`);
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--server', fake.base, '--progress', dir],
        {
          env: { GITHUB_ACTIONS: 'true' },
        },
      );
      await fake.close();
      expect(run.stderr).toContain('uploading');
      expect(workflowCommands(run.stderr)).toEqual([]);
      // stdout: the one annotation the command itself writes.
      expect(workflowCommands(run.stdout)).toHaveLength(1);
    });
  });

  describe('when a trust-store folder name carries a line break (offline)', () => {
    it('its warning is one line that starts no workflow command', async () => {
      const store = join(work, 'store');
      cpSync(TRUST_STORE, store, { recursive: true });
      mkdirSync(join(store, 'x\n::error::injected'));
      const dir = folderWithTrustedPackage('offline-warning');
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--offline', '--trust-store', store, join(dir, 'a.bin')],
        { env: { GITHUB_ACTIONS: 'true' } },
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^warning: .*injected.*skipped/m);
      expect(workflowCommands(run.stderr)).toEqual([]);
    });
  });
});
