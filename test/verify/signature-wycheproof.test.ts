import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWycheproof } from '../conformance/wycheproof-runner';

describe('verifySignature on Wycheproof', () => {
  describe('when every vector of the suite is run (ECDSA DER and P1363, RSA PKCS#1 and PSS, Ed25519)', () => {
    it('verifies every valid vector policy accepts, and no invalid one', async () => {
      const result = await runWycheproof(join(import.meta.dirname, '../conformance/wycheproof'));
      expect(result.total).toBeGreaterThan(2000);
      expect(result.wrongAccepts).toEqual([]);
      expect(result.wrongRejects).toEqual([]);
    });
  });
});
