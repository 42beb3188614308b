import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate } from '../run-trustgate';
import { ARTIFACT, TRUST_STORE, TRUSTED_SIG } from './liar-server';

/**
 * A folder passes only when every file in it was verified or is the signature of a package that was: a
 * payload named like a signature of something that is no package was installed with the folder.
 */
describe('trustgate verify on a folder with a file named as the signature of something that is no package', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-folder-names-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const folderWith = (name: string, plant: (dir: string) => void) => {
    const dir = join(work, name);
    mkdirSync(dir);
    copyFileSync(ARTIFACT, join(dir, 'pkg.bin'));
    copyFileSync(TRUSTED_SIG, join(dir, 'pkg.bin.p7s'));
    plant(dir);
    return dir;
  };
  const offline = (dir: string) =>
    runTrustgate(['verify', '--vendor', 'acme', '--offline', '--trust-store', TRUST_STORE, dir]);

  describe('when a payload is named as the signature of a signature (pkg.bin.p7s.sig)', () => {
    it('exits 3 SIGNATURE_WITHOUT_PACKAGE instead of passing the folder with it unverified', async () => {
      const dir = folderWith('chained', (d) => writeFileSync(join(d, 'pkg.bin.p7s.sig'), 'payload\n'));
      const run = await offline(dir);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^error\s+\S*pkg\.bin\.p7s\.sig\s+SIGNATURE_WITHOUT_PACKAGE: .*no package/m);
      expect(run.stdout).toMatch(/^trusted\s+\S*pkg\.bin\s/m);
    });
  });

  describe('when a payload is named as the signature of a subfolder (lib.p7s beside lib/)', () => {
    it('exits 3 SIGNATURE_WITHOUT_PACKAGE: a subfolder is not verified, so nothing vouches for it', async () => {
      const dir = folderWith('subfolder', (d) => {
        mkdirSync(join(d, 'lib'));
        writeFileSync(join(d, 'lib.p7s'), 'payload\n');
      });
      const run = await offline(dir);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^error\s+\S*lib\.p7s\s+SIGNATURE_WITHOUT_PACKAGE/m);
    });
  });

  describe('when every signature file belongs to a package', () => {
    it('still exits 0', async () => {
      const run = await offline(folderWith('clean', () => undefined));
      expect(run.code, run.stdout + run.stderr).toBe(0);
    });
  });
});
