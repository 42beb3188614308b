import { describe, expect, it, vi } from 'vitest';
import { createBytesMemo } from '../../src/verify/memo';

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
