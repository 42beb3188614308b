import { describe, expect, it, vi } from 'vitest';
import { createBytesMemo, sameBytes } from '../../src/verify/memo';

describe('createBytesMemo', () => {
  describe('when the same bytes come back', () => {
    it('computes once', () => {
      const memo = createBytesMemo<number>(4);
      const compute = vi.fn(() => 42);
      memo(Uint8Array.of(1, 2), '', compute);
      memo(Uint8Array.of(1, 2), '', compute);
      expect(compute).toHaveBeenCalledTimes(1);
    });
  });

  describe('when an input is over the size kept', () => {
    it('computes it every time and keeps nothing', () => {
      const memo = createBytesMemo<number>({ maxEntries: 4, maxInputBytes: 4 });
      const compute = vi.fn(() => 1);
      memo(new Uint8Array(5), '', compute);
      memo(new Uint8Array(5), '', compute);
      expect(compute).toHaveBeenCalledTimes(2);
    });
  });

  describe('when the kept inputs reach the byte budget', () => {
    it('drops the oldest', () => {
      const memo = createBytesMemo<number>({ maxEntries: 100, maxInputBytes: 8, maxTotalBytes: 16 });
      const compute = vi.fn(() => 1);
      for (let i = 0; i < 3; i++) memo(new Uint8Array(8).fill(i), '', compute);
      memo(new Uint8Array(8).fill(0), '', compute); // the oldest was dropped for the third
      memo(new Uint8Array(8).fill(2), '', compute); // the newest is still there
      expect(compute).toHaveBeenCalledTimes(4);
    });
  });
});

describe('sameBytes', () => {
  it('finds a difference at any position, aligned or not, and equal bytes equal', () => {
    for (const length of [0, 1, 63, 64, 65, 67, 128, 131]) {
      for (const offset of [0, 1, 4]) {
        const base = new Uint8Array(length + offset).map((_, i) => (i * 37) & 0xff);
        const a = base.subarray(offset);
        for (const otherOffset of [0, 2, 4]) {
          const copy = new Uint8Array(length + otherOffset);
          copy.set(a, otherOffset);
          const b = copy.subarray(otherOffset);
          expect(sameBytes(a, b)).toBe(true);
          for (let at = 0; at < length; at++) {
            b[at] = (b[at] as number) ^ 0x80;
            expect(sameBytes(a, b)).toBe(false);
            b[at] = (b[at] as number) ^ 0x80;
          }
        }
        expect(sameBytes(a, a.subarray(0, Math.max(0, length - 1)))).toBe(length === 0);
      }
    }
  });
});
