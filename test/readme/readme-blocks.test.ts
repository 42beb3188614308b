import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expectedExits, scriptOf, shellBlocks } from './readme-blocks';

const fence = (code: string) => `\`\`\`sh\n${code}\n\`\`\``;
const run = (markdown: string) =>
  spawnSync('bash', ['-c', scriptOf(shellBlocks(markdown))], { encoding: 'utf8' });

describe('readme-blocks', () => {
  describe('when a block is preceded by a skip marker', () => {
    it('leaves it out with its reason and keeps the others', () => {
      const md = `<!-- readme-test: skip — needs the network -->\n${fence('exit 1')}\n\n${fence('true')}\n`;
      const blocks = shellBlocks(md);
      expect(blocks.map((b) => [b.line, b.skip])).toEqual([
        [2, 'needs the network'],
        [6, undefined],
      ]);
      expect(run(md).status).toBe(0);
    });
  });

  describe('when a marker is malformed or misplaced', () => {
    it('refuses a skip without a reason', () => {
      expect(() => shellBlocks(`<!-- readme-test: skip -->\n${fence('true')}`)).toThrow(/malformed marker/);
    });
    it('refuses a skip that is not right before a sh fence', () => {
      expect(() => shellBlocks(`<!-- readme-test: skip — why -->\n\n${fence('true')}`)).toThrow(
        /right before/,
      );
    });
  });

  describe('when a command carries "# exits N"', () => {
    it('passes when the command exits with N', () => {
      expect(run(fence('sh -c "exit 3"   # exits 3: usage\necho after')).stdout).toContain('after');
    });
    it('fails when the command exits with another code, naming the line', () => {
      const result = run(fence('true\nsh -c "exit 2"   # exits 1: rejected'));
      expect(result.status).toBe(97);
      expect(result.stderr).toContain('README.md:3: expected exit 1, got 2');
    });
    it('refuses the marker on a continued command', () => {
      expect(() =>
        expectedExits(shellBlocks(fence('echo a \\\n  b   # exits 0'))[0] ?? { line: 1, code: '' }),
      ).toThrow(/on one line/);
    });
  });

  describe('when an unmarked command fails', () => {
    it('stops the run and names the block', () => {
      const result = run(`${fence('true')}\n${fence('false\necho unreachable')}`);
      expect(result.status).not.toBe(0);
      expect(result.stdout).not.toContain('unreachable');
      expect(result.stderr).toContain('README.md:4: a command failed');
    });
  });
});
