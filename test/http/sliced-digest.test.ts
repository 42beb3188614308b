import { describe, expect, it } from 'vitest';
import { slicedDigest } from '../../src/http/sliced-digest';
import { nodeHasher } from '../../src/platform/node';

const webCrypto = async (hash: 'SHA-256' | 'SHA-384', data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));

describe('slicedDigest', () => {
  describe('when the input is empty, one byte, or around a slice boundary', () => {
    it('gives the digest WebCrypto gives', async () => {
      const digest = slicedDigest(nodeHasher);
      for (const size of [0, 1, 1024 * 1024 - 1, 1024 * 1024, 3 * 1024 * 1024 + 7]) {
        const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
        expect(await digest('SHA-256', data), `${size} bytes`).toEqual(await webCrypto('SHA-256', data));
        expect(await digest('SHA-384', data), `${size} bytes`).toEqual(await webCrypto('SHA-384', data));
      }
    });
  });

  describe('when a large artifact is hashed', () => {
    it('lets other work run between its slices (a 64 MiB artifact held every request before)', async () => {
      const digest = slicedDigest(nodeHasher);
      const turns: string[] = [];
      let ticking = true;
      const tick = () => {
        if (!ticking) return;
        turns.push('other');
        setImmediate(tick);
      };
      setImmediate(tick);
      await digest('SHA-256', new Uint8Array(8 * 1024 * 1024));
      ticking = false;
      expect(turns.length).toBeGreaterThanOrEqual(4);
    });
  });
});
