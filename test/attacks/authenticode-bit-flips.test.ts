import { describe, expect, it } from 'vitest';
import { verifyAuthenticode } from '../../src/verify';
import { readPeLayout } from '../../src/verify/authenticode/pe';
import { authenticodeStoreAnchors, readAuthenticodeFixture } from '../helpers/authenticode-fixtures';

/**
 * A signed file altered in any bit must not stay trusted, except in the one field Authenticode leaves out
 * on purpose (the PE CheckSum). Found by flipping every bit position once: the NULL parameters of the
 * digest and RSA algorithm identifiers (05 00 -> 04 00, an empty OCTET STRING) were read without a look, so
 * those unsigned bytes could change and the signature still verify.
 */
describe('a signed PE file with one bit flipped (attack: malleable unsigned bytes)', () => {
  describe('when the flip is anywhere but the PE CheckSum', () => {
    it('is never trusted', async () => {
      const anchors = authenticodeStoreAnchors('acme');
      const image = readAuthenticodeFixture('signed/pe32-sha256.exe');
      const layout = readPeLayout(image);
      if (!layout.ok) throw new Error(layout.problem);
      const checksum = layout.layout.checksumOffset;
      const trusted: number[] = [];
      for (let at = 0; at < image.length; at++) {
        if (at >= checksum && at < checksum + 4) continue;
        const altered = image.slice();
        altered[at] = (altered[at] as number) ^ 0x01;
        const result = await verifyAuthenticode({
          image: altered,
          anchors,
          time: new Date('2026-06-01T00:00:00Z'),
          subtle: globalThis.crypto.subtle,
        });
        if (result.ok && result.outcome.verdict === 'trusted') trusted.push(at);
      }
      expect(trusted).toEqual([]);
    }, 120_000);
  });
});
