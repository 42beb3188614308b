import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../src/encoding';
import { parseJsonBody } from '../../src/http/json-body';

const encode = (text: string) => new TextEncoder().encode(text);

/** Base64 of `length` pseudo-random bytes: long enough (>= 64 KiB) to be set aside. */
function longBase64(length = 96 * 1024, seed = 7): string {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytesToBase64(bytes);
}

const same = (a: Uint8Array | null | undefined, b: Uint8Array | null) =>
  a === null || a === undefined || b === null ? a === b : Buffer.from(a).equals(Buffer.from(b));

describe('parseJsonBody (POST /verify JSON bodies)', () => {
  describe('when a body holds long base64 strings', () => {
    const artifact = longBase64();
    const text = JSON.stringify({
      vendor: 'acme',
      artifact,
      padding: longBase64(70_000, 3),
      n: [1, { k: 'v' }],
    });

    it('reads every field as JSON.parse does', async () => {
      const body = await parseJsonBody(encode(text));
      const expected = JSON.parse(text) as Record<string, unknown>;
      const value = body.value as Record<string, unknown>;
      for (const key of Object.keys(expected)) expect(body.string(value[key])).toEqual(expected[key]);
      expect(same(await body.base64(value.artifact), base64ToBytes(artifact))).toBe(true);
    });

    it('does not hand the long strings to JSON.parse', async () => {
      const body = await parseJsonBody(encode(text));
      const value = body.value as Record<string, unknown>;
      expect((value.artifact as string).length).toBeLessThan(100);
    });
  });

  describe('when a long string is not plain base64', () => {
    it.each([
      ['an escaped slash', (s: string) => `${s.slice(0, 10)}\\/${s.slice(10)}`],
      ['an escaped quote', (s: string) => `${s.slice(0, 10)}\\"${s.slice(10)}`],
      ['a backslash run before the closing quote', (s: string) => `${s}\\\\`],
      ['escaped line breaks', (s: string) => s.replace(/(.{76})/g, '$1\\n')],
    ])('reads one with %s exactly as JSON.parse does', async (_, edit) => {
      const text = `{"vendor":"acme","artifact":"${edit(longBase64())}"}`;
      const expected = JSON.parse(text) as { artifact: string };
      const body = await parseJsonBody(encode(text));
      const value = body.value as Record<string, unknown>;
      expect(body.string(value.artifact)).toBe(expected.artifact);
      expect(same(await body.base64(value.artifact), base64ToBytes(expected.artifact))).toBe(true);
    });
  });

  describe('when the body is not valid JSON around a long string', () => {
    it.each([
      [
        'a raw line break inside the string',
        `{"artifact":"${longBase64().slice(0, 70_000)}\n${longBase64().slice(0, 8)}"}`,
      ],
      ['a missing colon', `{"artifact" "${longBase64()}"}`],
      ['an unterminated string', `{"artifact":"${longBase64()}`],
      ['trailing bytes', `{"artifact":"${longBase64()}"} x`],
    ])('refuses it as JSON.parse does (%s)', async (_, text) => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      await expect(parseJsonBody(encode(text))).rejects.toThrow(SyntaxError);
    });
  });

  describe('when a caller sends a string that looks like a placeholder', () => {
    it('is read as the caller wrote it', async () => {
      const forged = 'trustgate-set-aside-00000000000000000000000000000000-0';
      const text = JSON.stringify({ vendor: forged, artifact: longBase64() });
      const body = await parseJsonBody(encode(text));
      expect(body.string((body.value as Record<string, unknown>).vendor)).toBe(forged);
    });
  });
});
