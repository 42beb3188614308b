import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantedStore, verifyTrustedOffline } from './liar-server';

describe('trustgate verify --offline with a trust-store folder planted to stall or crash it', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-store-attack-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The fixture store with `plant` done in its acme folder. */
  const storeWith = (name: string, plant: (acme: string) => void) =>
    plantedStore(work, name, (store) => plant(join(store, 'acme')));
  const offline = verifyTrustedOffline;

  describe('when a root file is a named pipe nobody writes to', () => {
    it('refuses the folder at once (exit 3, TRUST_STORE_INVALID) instead of waiting for ever', async () => {
      const store = storeWith('fifo', (acme) => execFileSync('mkfifo', [join(acme, 'zz-root.pem')]));
      const started = Date.now();
      const run = await offline(store);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/TRUST_STORE_INVALID: .*zz-root\.pem: not a regular file/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('when a folder is named like a root file', () => {
    it('refuses the folder with the path (exit 3), not an internal error', async () => {
      const store = storeWith('dir-pem', (acme) => mkdirSync(join(acme, 'zz-root.pem')));
      const run = await offline(store);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/TRUST_STORE_INVALID: .*zz-root\.pem: not a regular file/);
      expect(run.stderr).not.toContain('INTERNAL');
    });
  });

  describe('when a root file is far larger than any certificate', () => {
    it('refuses it by its size before reading it (exit 3)', async () => {
      const store = storeWith('giant', (acme) =>
        writeFileSync(join(acme, 'zz-root.pem'), Buffer.alloc(5 * 1024 * 1024, 0x41)),
      );
      const run = await offline(store);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/TRUST_STORE_INVALID: .*zz-root\.pem: 5242880 bytes, over the/);
    });
  });
});
