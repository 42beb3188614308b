import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/http/base64';
import { base64ToBytes, bytesToBase64 } from '../../src/verify';

/** A fixed sequence of pseudo-random bytes (xorshift), so every run checks the same inputs. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('decodeBase64 (JSON fields)', () => {
  describe('when the text is base64 of any length, with or without line breaks', () => {
    it('gives the same bytes as base64ToBytes', async () => {
      for (let length = 0; length < 70; length++) {
        const text = bytesToBase64(bytes(length, length + 7));
        const wrapped = text.replace(/(.{8})/g, '$1\r\n').replace(/^/, ' \t');
        for (const input of [text, wrapped]) {
          expect(await decodeBase64(input)).toEqual(base64ToBytes(input));
        }
      }
    });

    it('decodes a field of several slices whole', async () => {
      const big = bytes(3.5 * 1024 * 1024, 42); // 4.7 M characters: two slices
      const decoded = await decodeBase64(bytesToBase64(big));
      // Buffer.equals: vitest's deep equality walks megabytes element by element for minutes.
      expect(decoded && Buffer.from(decoded).equals(Buffer.from(big))).toBe(true);
    });
  });

  describe('when the text is not base64', () => {
    it.each([
      ['a length that is not a multiple of four', 'QUJDR'],
      ['padding in the middle', 'QU==QUJD'],
      ['three padding characters', 'Q==='],
      ['only padding', '===='],
      ['a character outside the alphabet', 'QU-D'],
      ['URL-safe characters', 'QU_D'],
      ['a character past Latin-1', 'QUJ\u0100'],
    ])('refuses %s, as base64ToBytes does', async (_, input) => {
      expect(base64ToBytes(input)).toBeNull();
      expect(await decodeBase64(input)).toBeNull();
    });
  });
});
