import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '../../src/encoding';
import { verifyPackage } from '../../src/verify';
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

describe('verifyPackage on an envelope padded with CRLs', () => {
  /** The fixture signature with a `crls [1]` of `count` copies of `crl` inserted before the signerInfos. */
  function withCrls(signature: Uint8Array, crl: Uint8Array, count: number): Uint8Array {
    const contentInfo = asn1js.fromBER(signature).result as asn1js.Sequence;
    const explicit = contentInfo.valueBlock.value[1] as asn1js.Constructed;
    const signedData = explicit.valueBlock.value[0] as asn1js.Sequence;
    const items = signedData.valueBlock.value;
    const crls = new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 1 },
      value: Array.from({ length: count }, () => asn1js.fromBER(crl).result),
    });
    items.splice(items.length - 1, 0, crls);
    return new Uint8Array(contentInfo.toBER());
  }
  const c = cmsCase('rsa2048-sha256-detached-der-trusted');
  const anchors = fixtureRoots(c.vendor).map((der, i) => ({ id: String(i), der }));
  const run = (signature: Uint8Array) =>
    verifyPackage({
      signature,
      artifact: { kind: 'bytes', bytes: readFixture(c.artifact) },
      anchors,
      time: TIME,
      subtle,
    });

  describe('when it carries more CRLs than the limit', () => {
    it('is refused at once with CRLS_LIMIT (regression: 200,000 junk entries were read and checked)', async () => {
      const result = await run(
        withCrls(readFixture(c.signature), Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01), 40),
      );
      expect(result).toMatchObject({ ok: false });
      expect(['CRLS_LIMIT', 'SIGNATURE_UNREADABLE']).toContain(!result.ok && result.code);
    });
  });

  describe('when it carries a few entries that are not CRLs', () => {
    it('never trusts on them', async () => {
      const result = await run(
        withCrls(readFixture(c.signature), Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01), 3),
      );
      expect(result.ok && result.outcome.verdict === 'trusted').toBe(false);
    });
  });
});
