import { describe, expect, it } from 'vitest';
import { decodePemBlocks } from '../../src/verify';
import { isParseError, parseCertificate } from '../../src/verify/certificate';
import { checkPublicKeyPolicy, verifySignature } from '../../src/verify/signature';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { at, decodeTree, encodeTree, type TreeNode } from '../helpers/der-tree';

const subtle = globalThis.crypto.subtle;

/** The signer certificate of the RSA fixture (first in its chain.pem). */
function rsaSigner() {
  const chain = new TextDecoder().decode(
    readFixture(`cases/${cmsCase('rsa2048-sha256-detached-der-trusted').name}/chain.pem`),
  );
  const parsed = parseCertificate((decodePemBlocks(chain)[0] as { der: Uint8Array }).der);
  if (isParseError(parsed)) throw new Error('fixture unreadable');
  return parsed;
}

const RSA_ENCRYPTION: TreeNode = {
  tag: 0x30,
  children: [
    { tag: 0x06, value: Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01) },
    { tag: 0x05, value: new Uint8Array() },
  ],
};

/** An SPKI with the fixture signer's modulus and the given exponent (and algorithm identifier). */
function rsaSpki(exponent: Uint8Array, algorithm: TreeNode = RSA_ENCRYPTION): Uint8Array {
  const spki = decodeTree(rsaSigner().spki);
  const key = decodeTree(at(spki, 1).value?.subarray(1) as Uint8Array);
  at(key, 1).value = exponent;
  const bits = encodeTree(key);
  return encodeTree({
    tag: 0x30,
    children: [algorithm, { tag: 0x03, value: Uint8Array.of(0, ...bits) }],
  });
}

describe('the public-key policy', () => {
  describe('when an RSA key has a huge public exponent (one verify cost fifty ordinary ones)', () => {
    it('is refused before any signature is checked', async () => {
      const huge = new Uint8Array(512).fill(0xff);
      huge[0] = 0x7f;
      const spki = rsaSpki(huge);
      expect(checkPublicKeyPolicy(spki)?.code).toBe('UNSUPPORTED_ALGORITHM');
      const signer = rsaSigner();
      const outcome = await verifySignature(subtle, {
        spki,
        algorithm: signer.signatureAlgorithm,
        data: new Uint8Array(10),
        signature: new Uint8Array(256),
      });
      expect(outcome).toMatchObject({ ok: false, reason: { code: 'UNSUPPORTED_ALGORITHM' } });
    });

    it('accepts the exponents in use: 3, 65537 and 2^32 + 1', () => {
      for (const e of [Uint8Array.of(3), Uint8Array.of(1, 0, 1), Uint8Array.of(1, 0, 0, 0, 1)])
        expect(checkPublicKeyPolicy(rsaSpki(e))).toBeNull();
    });
  });

  describe('when an RSA exponent is even, 1 or negative', () => {
    it('is a malformed key', () => {
      for (const e of [Uint8Array.of(0x01, 0x00, 0x00), Uint8Array.of(1), Uint8Array.of(0xff)])
        expect(checkPublicKeyPolicy(rsaSpki(e))?.code).toBe('CERT_MALFORMED');
    });
  });

  describe('when rsaEncryption has no NULL parameters (RFC 3279 2.3.1)', () => {
    it('is a malformed key', () => {
      const bare: TreeNode = { tag: 0x30, children: [RSA_ENCRYPTION.children?.[0] as TreeNode] };
      expect(checkPublicKeyPolicy(rsaSpki(Uint8Array.of(1, 0, 1), bare))?.code).toBe('CERT_MALFORMED');
    });
  });
});
