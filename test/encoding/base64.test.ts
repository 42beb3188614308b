import { describe, expect, it } from 'vitest';
import { base64ToBytes, base64ToBytesSliced, bytesToBase64, bytesToBase64Url } from '../../src/encoding';
import { nextTurn } from '../../src/http/next-turn';

const decodeBase64 = (text: string) => base64ToBytesSliced(new TextEncoder().encode(text), nextTurn);

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

describe('base64ToBytesSliced (JSON fields)', () => {
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

describe('base64ToBytes', () => {
  describe('when padding is optional (OpenSSH fingerprints)', () => {
    it('supplies the missing padding and still refuses a length of 4n+1', () => {
      expect(base64ToBytes('QUI', { padding: 'optional' })).toEqual(new TextEncoder().encode('AB'));
      expect(base64ToBytes('QQ', { padding: 'optional' })).toEqual(new TextEncoder().encode('A'));
      expect(base64ToBytes('QUJDR', { padding: 'optional' })).toBeNull();
      expect(base64ToBytes('QUI')).toBeNull();
    });
  });

  describe('when the text is wrapped like a PEM body', () => {
    it('leaves out spaces, tabs and line breaks', () => {
      expect(base64ToBytes(' QUJD\r\n\tREVG ')).toEqual(new TextEncoder().encode('ABCDEF'));
    });
  });
});

describe('bytesToBase64Url', () => {
  it('uses the URL-safe alphabet without padding', () => {
    expect(bytesToBase64Url(Uint8Array.of(0xfb, 0xff, 0xbf, 0x01))).toBe('-_-_AQ');
  });
});
