import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1 } from '../../../src/verify/sync-hash';

describe('sha1 (CertID and responder key hashes)', () => {
  describe('when inputs straddle the padding boundaries', () => {
    it('agrees with node:crypto', () => {
      for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000]) {
        const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
        expect(Buffer.from(sha1(data)).toString('hex')).toBe(createHash('sha1').update(data).digest('hex'));
      }
    });
  });
});
