import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantedStore, verifyTrustedOffline } from './liar-server';

describe('trustgate verify --offline with a trust-store folder holding links that lead nowhere', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-store-links-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const storeWith = (name: string, plant: (store: string) => void) => plantedStore(work, name, plant);
  const offline = verifyTrustedOffline;

  describe('when a vendor folder is a link to nothing', () => {
    it('exits 3 TRUST_STORE_INVALID with the path, not 4 INTERNAL ("retrying is safe")', async () => {
      const store = storeWith('dangling-vendor', (dir) =>
        symlinkSync('/nonexistent-trustgate', join(dir, 'zeta')),
      );
      const run = await offline(store);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/TRUST_STORE_INVALID: .*ENOENT.*zeta/);
      expect(run.stderr).not.toContain('INTERNAL');
    });
  });

  describe('when a vendor folder is a link loop', () => {
    it('exits 3 TRUST_STORE_INVALID', async () => {
      const store = storeWith('loop-vendor', (dir) => {
        symlinkSync('loop-b', join(dir, 'loop-a'));
        symlinkSync('loop-a', join(dir, 'loop-b'));
      });
      const run = await offline(store);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/TRUST_STORE_INVALID: .*ELOOP/);
    });
  });

  describe('when a root file of the vendor is a link to nothing', () => {
    it('exits 3 TRUST_STORE_INVALID, not a pass without that root and not INTERNAL', async () => {
      const store = storeWith('dangling-root', (dir) =>
        symlinkSync('/nonexistent-trustgate.pem', join(dir, 'acme', 'zz-root.pem')),
      );
      const run = await offline(store);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/TRUST_STORE_INVALID: .*zz-root\.pem/);
    });
  });
});
