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

  describe('when a header name is 200,000 bytes long (attack: the name was spread into String.fromCharCode, a RangeError)', () => {
    it('refuses the manifest instead of throwing', () => {
      const result = parseManifest(bytes(`${'A'.repeat(200_000)}: x\n`));
      expect(result).toMatchObject({ ok: false });
    });
  });

  describe('when a header name is longer than the 70 characters Java allows', () => {
    it('refuses the manifest', () => {
      expect(parseManifest(bytes(`${'A'.repeat(71)}: x\n`))).toMatchObject({ ok: false });
      expect(parseManifest(bytes(`${'A'.repeat(70)}: x\n`))).toMatchObject({ ok: true });
    });
  });

  describe('when a line is longer than the 512 bytes Java reads', () => {
    it('refuses the manifest', () => {
      const result = parseManifest(bytes(`X: ${'a'.repeat(600)}\n`));
      expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('longer than 512') });
    });
  });

  describe('when a value is continued over 1,000,000 lines (attack: one small array per continuation line)', () => {
    it('joins them into the one value', () => {
      const result = parseManifest(bytes(`Manifest-Version: 1.0\nX: a\n${' b\n'.repeat(1_000_000)}`));
      if (!result.ok) throw new Error(result.problem);
      const value = result.manifest.main.headers.get('x') ?? '';
      expect(value.length).toBe(1_000_001);
      expect(value.startsWith('abbb')).toBe(true);
    });
  });

  describe('when a header line has a colon but the value runs into the next line', () => {
    it('refuses "Name:" without its space, even when the next line starts with one', () => {
      expect(parseManifest(bytes('Manifest-Version:\n 1.0\n'))).toMatchObject({ ok: false });
    });
  });
});
