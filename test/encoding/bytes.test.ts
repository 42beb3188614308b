import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  concatBytes,
  hexToBytes,
  normalizeHexFingerprint,
  normalizeSha256,
  stripFingerprint,
  toHex,
} from '../../src/encoding';

describe('bytesEqual', () => {
  it('finds a difference at any position, aligned or not, and equal bytes equal', () => {
    for (const length of [0, 1, 63, 64, 65, 67, 128, 131]) {
      for (const offset of [0, 1, 4]) {
        const base = new Uint8Array(length + offset).map((_, i) => (i * 37) & 0xff);
        const a = base.subarray(offset);
        for (const otherOffset of [0, 2, 4]) {
          const copy = new Uint8Array(length + otherOffset);
          copy.set(a, otherOffset);
          const b = copy.subarray(otherOffset);
          expect(bytesEqual(a, b)).toBe(true);
          for (let at = 0; at < length; at++) {
            b[at] = (b[at] as number) ^ 0x80;
            expect(bytesEqual(a, b)).toBe(false);
            b[at] = (b[at] as number) ^ 0x80;
          }
        }
        expect(bytesEqual(a, a.subarray(0, Math.max(0, length - 1)))).toBe(length === 0);
      }
    }
  });
});

describe('concatBytes', () => {
  it('joins the parts in order, empty ones included', () => {
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });
});

describe('toHex and hexToBytes', () => {
  describe('when the text is hex', () => {
    it('round-trips, lower-case out, either case in', () => {
      expect(toHex(Uint8Array.of(0, 0xab, 0x0f))).toBe('00ab0f');
      expect(hexToBytes('00AB0f')).toEqual(Uint8Array.of(0, 0xab, 0x0f));
    });
  });

  describe('when the text is not hex', () => {
    it('returns null', () => {
      for (const v of ['abc', '0g', 'ab cd', '0x12']) expect(hexToBytes(v)).toBeNull();
    });
  });
});

const SHA = 'ab'.repeat(32);

describe('fingerprint normalisation', () => {
  describe('when a SHA-256 fingerprint comes with colons, spaces or upper case', () => {
    it('gives the 64 lower-case hex digits', () => {
      const colon = SHA.toUpperCase().match(/../g)?.join(':') ?? '';
      expect(normalizeSha256(colon)).toBe(SHA);
      expect(normalizeSha256(` ${SHA.match(/../g)?.join(' ')}\n`)).toBe(SHA);
      expect(stripFingerprint('AB:cd 01')).toBe('abcd01');
    });
  });

  describe('when the value is not a SHA-256 fingerprint', () => {
    it('returns null', () => {
      for (const v of ['', SHA.slice(2), `${SHA}00`, `${SHA.slice(1)}g`, `sha256:${SHA}`])
        expect(normalizeSha256(v)).toBeNull();
    });
  });

  describe('when any even-length hex is accepted', () => {
    it('refuses odd lengths, empty and non-hex text', () => {
      expect(normalizeHexFingerprint('AB:CD')).toBe('abcd');
      for (const v of ['', 'abc', 'xy', ':']) expect(normalizeHexFingerprint(v)).toBeNull();
    });
  });
});
