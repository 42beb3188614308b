import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/verify/sync-hash';

const hex = (b: ArrayBuffer | Uint8Array): string =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

describe('sha256', () => {
  describe('when given inputs around every padding boundary', () => {
    it('agrees with WebCrypto for lengths 0 to 200', async () => {
      for (let n = 0; n <= 200; n++) {
        const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
        expect(hex(sha256(data))).toBe(hex(await globalThis.crypto.subtle.digest('SHA-256', data)));
      }
    });
  });
  describe('when given the FIPS 180-2 "abc" vector', () => {
    it('returns its digest', () => {
      expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    });
  });
});
