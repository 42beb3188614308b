import { describe, expect, it } from 'vitest';
import { loadPlaybooks, type PlaybookError } from '../../src/escalation';
import { playbookSources } from './facts';

const VALID_STEPS = ['## Step: One', 'a', '## Step: Two', 'b', '## Step: Three', 'c'].join('\n');

function withUnknownRoot(source: string) {
  return loadPlaybooks({ ...playbookSources(), 'unknown-root': source });
}

function errorsOf(source: string): PlaybookError[] {
  const result = withUnknownRoot(source);
  return result.ok ? [] : result.errors;
}

describe('loadPlaybooks', () => {
  describe('when given the shipped playbook files', () => {
    it('loads every kind with at least three steps', () => {
      const result = loadPlaybooks(playbookSources());
      if (!result.ok) throw new Error(result.message);
      expect(result.playbooks['unknown-root'].steps.length).toBeGreaterThanOrEqual(5);
      expect(result.playbooks['distrusted-root'].steps.length).toBeGreaterThanOrEqual(3);
      expect(result.playbooks['expired-signer-chain'].steps.length).toBeGreaterThanOrEqual(3);
      expect(result.playbooks['unknown-root-overflow'].steps.length).toBeGreaterThanOrEqual(3);
    });
  });

  describe('when a template uses an unknown variable', () => {
    it('refuses it, naming the file, the line and the variable', () => {
      const source = `---\nkind: unknown-root\ntitle: T\n---\nIntro\n${VALID_STEPS}\nCall {{vendor.phone}}`;
      const result = withUnknownRoot(source);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toEqual([
        expect.objectContaining({
          file: 'advisories/playbooks/unknown-root.md',
          line: 12,
          code: 'UNKNOWN_VARIABLE',
        }),
      ]);
      expect(result.message).toContain(
        'advisories/playbooks/unknown-root.md:12: unknown variable "vendor.phone"',
      );
    });

    it('refuses one in the title of the front matter', () => {
      const errors = errorsOf(`---\nkind: unknown-root\ntitle: Root of {{vendr.name}}\n---\n${VALID_STEPS}`);
      expect(errors).toEqual([expect.objectContaining({ line: 3, code: 'UNKNOWN_VARIABLE' })]);
    });
  });

  describe('when a block is unbalanced', () => {
    it('refuses it with the line where it opened', () => {
      const source = `---\nkind: unknown-root\ntitle: T\n---\n## Step: One\n{{#each chain}}\nx\n## Step: Two\nb\n## Step: Three\nc`;
      expect(errorsOf(source)).toEqual([expect.objectContaining({ line: 6, code: 'UNBALANCED_BLOCK' })]);
    });
  });

  describe('when a playbook has fewer than three steps', () => {
    it('refuses it', () => {
      const errors = errorsOf('---\nkind: unknown-root\ntitle: T\n---\n## Step: One\na\n## Step: Two\nb');
      expect(errors.map((e) => e.code)).toEqual(['TOO_FEW_STEPS']);
      expect(errors[0]?.message).toContain('2 step(s)');
    });

    it('does not count headings inside code fences', () => {
      const source = `---\nkind: unknown-root\ntitle: T\n---\n## Step: One\n\`\`\`sh\n## Step: not a step\n\`\`\`\n## Step: Two\nb`;
      expect(errorsOf(source).map((e) => e.code)).toEqual(['TOO_FEW_STEPS']);
    });
  });

  describe('when the structure or front matter is wrong', () => {
    it('refuses a missing front matter, a wrong kind and unknown keys', () => {
      expect(errorsOf(VALID_STEPS).map((e) => e.code)).toEqual(['BAD_FRONT_MATTER']);
      expect(errorsOf(`---\nkind: distrusted-root\ntitle: T\n---\n${VALID_STEPS}`)[0]?.code).toBe(
        'BAD_FRONT_MATTER',
      );
      expect(
        errorsOf(`---\nkind: unknown-root\ntitle: T\nowner: me\n---\n${VALID_STEPS}`)[0]?.message,
      ).toContain('owner');
    });

    it('refuses a step after the appendix', () => {
      const source = `---\nkind: unknown-root\ntitle: T\n---\n${VALID_STEPS}\n## Notes\nn\n## Step: Four\nd`;
      expect(errorsOf(source).map((e) => e.code)).toEqual(['BAD_STRUCTURE']);
    });

    it('refuses a step heading written another way', () => {
      const source = `---\nkind: unknown-root\ntitle: T\n---\n${VALID_STEPS}\n## Step 4: call back\nd`;
      expect(errorsOf(source)).toEqual([expect.objectContaining({ line: 11, code: 'BAD_STRUCTURE' })]);
    });

    it('accepts a byte order mark and CRLF line ends', () => {
      const source = `\uFEFF---\r\nkind: unknown-root\r\ntitle: T\r\n---\r\n${VALID_STEPS.replace(/\n/g, '\r\n')}`;
      expect(withUnknownRoot(source).ok).toBe(true);
    });

    it('refuses a missing playbook', () => {
      const { 'distrusted-root': _, ...rest } = playbookSources();
      const result = loadPlaybooks(rest);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors).toEqual([expect.objectContaining({ code: 'MISSING_PLAYBOOK' })]);
    });
  });

  describe('when the platform read the files from elsewhere', () => {
    it('names the files it was given', () => {
      const result = loadPlaybooks(
        { ...playbookSources(), 'unknown-root': '' },
        { fileOf: (kind) => `/etc/trustgate/playbooks/${kind}.md` },
      );
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.message).toContain('/etc/trustgate/playbooks/unknown-root.md: no playbook');
    });
  });

  describe('when several files are broken', () => {
    it('reports every problem at once', () => {
      const result = loadPlaybooks({
        'unknown-root': '# nothing',
        'distrusted-root': '',
        'expired-signer-chain': '',
        'unknown-root-overflow': '',
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(new Set(result.errors.map((e) => e.file)).size).toBe(4);
    });
  });
});
