import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCliIo } from '../../src/platform/cli-io';

describe('nodeCliIo readFile (the command reads a package whole, within a cap)', () => {
  let dir: string;
  const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustgate-read-'));
    writeFileSync(join(dir, 'pkg.bin'), bytes);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when the file is smaller than the cap', () => {
    it('gives exactly its bytes', async () => {
      const read = await nodeCliIo('test').readFile(join(dir, 'pkg.bin'), 1024 * 1024);
      expect(read).toEqual(bytes);
    });
  });

  describe('when the file is larger than the cap', () => {
    it('gives the cap, so the caller sees it is too big', async () => {
      const read = await nodeCliIo('test').readFile(join(dir, 'pkg.bin'), 4096);
      expect(read.byteLength).toBe(4096);
      expect(read).toEqual(bytes.subarray(0, 4096));
    });
  });
});
