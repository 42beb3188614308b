import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/verify/jar/manifest';

const bytes = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe('parseManifest', () => {
  describe('when sections are separated by blank lines and values continue on the next line', () => {
    const input =
      'Manifest-Version: 1.0\r\n\r\nName: a/very/long/na\r\n me.class\r\nSHA-256-Digest: abc=\r\n\r\n';
    it('joins continued values and keys sections by Name', () => {
      const result = parseManifest(bytes(input));
      if (!result.ok) throw new Error(result.problem);
      const section = result.manifest.entries.get('a/very/long/name.class');
      expect(section?.headers.get('sha-256-digest')).toBe('abc=');
    });
    it('keeps each section byte for byte, with and without its blank line', () => {
      const result = parseManifest(bytes(input));
      if (!result.ok) throw new Error(result.problem);
      expect(decode(result.manifest.main.raw)).toBe('Manifest-Version: 1.0\r\n\r\n');
      const section = result.manifest.entries.get('a/very/long/name.class');
      expect(decode(section?.rawWithoutBlankLine ?? new Uint8Array())).toBe(
        'Name: a/very/long/na\r\n me.class\r\nSHA-256-Digest: abc=\r\n',
      );
    });
  });

  describe('when two sections carry the same Name', () => {
    it('refuses the manifest', () => {
      const result = parseManifest(bytes('M: 1\n\nName: a\nX: 1\n\nName: a\nX: 2\n\n'));
      expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('two sections') });
    });
  });

  describe('when a line is not a header', () => {
    it('refuses the manifest', () => {
      expect(parseManifest(bytes('Manifest-Version 1.0\n'))).toMatchObject({ ok: false });
    });
  });
});
