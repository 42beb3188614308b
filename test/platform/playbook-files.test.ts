import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { PLAYBOOKS } from '../helpers/test-app';

describe('readPlaybooks', () => {
  const dirs: string[] = [];
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbooks-'));
    cpSync(PLAYBOOKS, dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('when the shipped playbooks are read', () => {
    it('loads every kind', async () => {
      const playbooks = await readPlaybooks(PLAYBOOKS);
      expect(Object.keys(playbooks).sort()).toEqual([
        'distrusted-root',
        'expired-signer-chain',
        'unknown-root',
        'unknown-root-overflow',
      ]);
    });
  });

  describe('when a team edits a playbook and names a fact that does not exist', () => {
    it('refuses to load, naming the file and the problem', async () => {
      const dir = copy();
      const file = join(dir, 'unknown-root.md');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'A signature for vendor',
          'Page {{vendor.pager}}: a signature for vendor',
        ),
      );
      await expect(readPlaybooks(dir)).rejects.toThrow(
        /unknown-root\.md.*UNKNOWN_VARIABLE|unknown-root\.md[\s\S]*vendor\.pager/,
      );
    });
  });

  describe('when a playbook file is missing', () => {
    it('refuses to load', async () => {
      const dir = copy();
      rmSync(join(dir, 'distrusted-root.md'));
      await expect(readPlaybooks(dir)).rejects.toThrow(/distrusted-root/);
    });
  });
});
