import { describe, expect, it } from 'vitest';
import { codeSpan, colonHex, escapeMarkdown, MAX_VALUE_LENGTH, neutralise } from '../../src/escalation';

describe('escapeMarkdown', () => {
  describe('when a value would make a link', () => {
    it('escapes brackets, parentheses and the scheme colon', () => {
      expect(escapeMarkdown('CN=x](http://evil)')).toBe('CN\\=x\\]\\(http\\://evil\\)');
      expect(escapeMarkdown('<https://evil>')).toBe('\\<https\\://evil\\>');
      expect(escapeMarkdown('www.evil.example')).toBe('www\\.evil\\.example');
    });
  });

  describe('when a value would start a block or break a table', () => {
    it('stays on one line with its markers escaped', () => {
      expect(escapeMarkdown('a\n# h\r\n- [x] b | c')).toBe('a \\# h \\- \\[x\\] b \\| c');
    });
  });
});

describe('neutralise', () => {
  describe('when a value carries invisible or bidirectional controls', () => {
    it('shows them as code points', () => {
      expect(neutralise('evil\u202Egpj.exe\u200B\u0000')).toBe('evilU+202Egpj.exeU+200BU+0000');
    });
  });

  describe('when a value is very long', () => {
    it('cuts it with an ellipsis', () => {
      const out = neutralise('a'.repeat(MAX_VALUE_LENGTH * 3));
      expect(out).toHaveLength(MAX_VALUE_LENGTH + 1);
      expect(out.endsWith('…')).toBe(true);
    });
  });
});

describe('codeSpan', () => {
  describe('when the value contains backticks', () => {
    it('uses a longer fence and pads when needed', () => {
      expect(codeSpan('a`b')).toBe('``a`b``');
      expect(codeSpan('`x`')).toBe('`` `x` ``');
      expect(codeSpan('plain')).toBe('`plain`');
    });
  });
});

describe('colonHex', () => {
  describe('when given hex in any case or with separators', () => {
    it('gives upper-case colon pairs', () => {
      expect(colonHex('ab01ff')).toBe('AB:01:FF');
      expect(colonHex('AB:01:ff')).toBe('AB:01:FF');
    });
  });

  describe('when given something that is not hex', () => {
    it('gives undefined', () => {
      expect(colonHex('abc')).toBeUndefined();
      expect(colonHex('zz')).toBeUndefined();
      expect(colonHex('')).toBeUndefined();
    });
  });
});
