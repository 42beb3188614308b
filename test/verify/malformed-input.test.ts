import { describe, expect, it } from 'vitest';
import { base64ToBytes, verifyPackage } from '../../src/verify';
import { cmsCase, fixtureRoots, readFixture } from '../helpers/cms-fixtures';

const subtle = globalThis.crypto.subtle;
const TIME = new Date('2026-06-01T00:00:00Z');

describe('verifyPackage on malformed signatures', () => {
  describe('when the bytes are a three-byte GeneralizedTime that makes asn1js throw', () => {
    it('answers SIGNATURE_UNREADABLE instead of throwing', async () => {
      const result = await verifyPackage({
        signature: base64ToBytes('GAFB') as Uint8Array,
        artifact: { kind: 'none' },
        anchors: [],
        time: TIME,
        subtle,
      });
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when any single byte of a good signature is zeroed', () => {
    it('never throws and never trusts', async () => {
      const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
      const signature = readFixture(c.signature);
      const artifact = readFixture(c.artifact);
      const anchors = fixtureRoots(c.vendor).map((der, i) => ({ id: String(i), der }));
      const trustedAt: number[] = [];
      for (let i = 0; i < signature.length; i++) {
        if (signature[i] === 0) continue;
        const mutated = signature.slice();
        mutated[i] = 0;
        const result = await verifyPackage({
          signature: mutated,
          artifact: { kind: 'bytes', bytes: artifact },
          anchors,
          time: TIME,
          subtle,
        });
        if (result.ok && result.outcome.verdict === 'trusted') trustedAt.push(i);
      }
      // Bytes outside what is signed (the certificate set's unused parts, lengths re-read leniently) may
      // change without effect; a trusted verdict must then still be about the same signer and content.
      for (const i of trustedAt) {
        const mutated = signature.slice();
        mutated[i] = 0;
        const result = await verifyPackage({
          signature: mutated,
          artifact: { kind: 'bytes', bytes: artifact },
          anchors,
          time: TIME,
          subtle,
        });
        const original = await verifyPackage({
          signature,
          artifact: { kind: 'bytes', bytes: artifact },
          anchors,
          time: TIME,
          subtle,
        });
        expect(result.ok && original.ok && result.outcome.signer?.sha256).toBe(
          original.ok && original.outcome.signer?.sha256,
        );
      }
    });
  });
});
