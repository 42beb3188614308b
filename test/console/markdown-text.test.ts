import { describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/console/markdown-text';
import { escapeMarkdown } from '../../src/escalation';

describe('unescapeMarkdown', () => {
  describe('when text holds CommonMark backslash escapes', () => {
    it('drops the backslash before ASCII punctuation and keeps the character', () => {
      expect(unescapeMarkdown('CN\\=Globex Root CA P\\-384, O\\=Globex\\_Corp')).toBe(
        'CN=Globex Root CA P-384, O=Globex_Corp',
      );
      const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
      const escaped = [...punctuation].map((c) => `\\${c}`).join('');
      expect(unescapeMarkdown(escaped)).toBe(punctuation);
    });

    it('gives back what escapeMarkdown escaped', () => {
      const value = 'Acme_*Corp* [x](y) <b> #1 a.b! 100% C:\\temp';
      expect(unescapeMarkdown(escapeMarkdown(value))).toBe(value);
    });
  });

  describe('when a backslash is before anything but ASCII punctuation', () => {
    it('keeps it: letters, digits, spaces, non-ASCII and a line end', () => {
      expect(unescapeMarkdown('a\\b \\1 \\ x \\é \\«')).toBe('a\\b \\1 \\ x \\é \\«');
      expect(unescapeMarkdown('curl -sS x \\\n  --form y')).toBe('curl -sS x \\\n  --form y');
    });

    it('keeps a trailing backslash', () => {
      expect(unescapeMarkdown('end\\')).toBe('end\\');
    });
  });

  describe('when the text has code', () => {
    it('keeps code spans verbatim, as escapes do nothing there', () => {
      expect(unescapeMarkdown('file `a\\_b` and \\_c')).toBe('file `a\\_b` and _c');
      expect(unescapeMarkdown('``x\\` y`` \\*')).toBe('``x\\` y`` *');
    });

    it('treats an escaped or unmatched backtick as literal', () => {
      expect(unescapeMarkdown('\\`not code\\` \\_')).toBe('`not code` _');
      expect(unescapeMarkdown('a ` b \\_')).toBe('a ` b _');
    });

    it('keeps fenced code blocks verbatim', () => {
      const md = [
        'Run \\(as admin\\):',
        '',
        '```sh',
        "jq -r '.a\\[0\\]' x.json \\",
        '  | tr \\- _',
        '```',
        '',
        '~~~',
        '\\*',
        '~~~',
        'after \\#1',
      ].join('\n');
      expect(unescapeMarkdown(md)).toBe(
        [
          'Run (as admin):',
          '',
          '```sh',
          "jq -r '.a\\[0\\]' x.json \\",
          '  | tr \\- _',
          '```',
          '',
          '~~~',
          '\\*',
          '~~~',
          'after #1',
        ].join('\n'),
      );
    });
  });
});
