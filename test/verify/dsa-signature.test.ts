import { generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/verify/signature';

/** DSA through `verifySignature`, checked against OpenSSL (node:crypto) as the second opinion. */

const subtle = globalThis.crypto.subtle;
const DSA_WITH_SHA1 = new Uint8Array([0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03]);
const DSA_WITH_SHA256 = new Uint8Array([
  0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02,
]);

interface DsaSigner {
  spki: Uint8Array;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function dsaSigner(modulusLength: number, divisorLength: number): DsaSigner {
  const { publicKey, privateKey } = generateKeyPairSync('dsa', { modulusLength, divisorLength });
  return { spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), privateKey, publicKey };
}

const p2048 = dsaSigner(2048, 256);
const p1024 = dsaSigner(1024, 160);

const sigOf = (signer: DsaSigner, hash: 'sha1' | 'sha256', data: Uint8Array): Uint8Array =>
  new Uint8Array(sign(hash, data, { key: signer.privateKey, dsaEncoding: 'der' }));

const check = (
  signer: DsaSigner,
  algorithm: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  allowDsa = true,
) => verifySignature(subtle, { spki: signer.spki, algorithm, data, signature }, { allowDsa });

/** DER INTEGER of a non-negative bigint, minimal. */
function derInteger(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return new Uint8Array([0x02, bytes.length, ...bytes]);
}

function readRs(der: Uint8Array): { r: bigint; s: bigint } {
  let pos = 2;
  const out: bigint[] = [];
  for (let i = 0; i < 2; i++) {
    const len = der[pos + 1] as number;
    out.push(BigInt(`0x${Buffer.from(der.subarray(pos + 2, pos + 2 + len)).toString('hex')}`));
    pos += 2 + len;
  }
  return { r: out[0] as bigint, s: out[1] as bigint };
}

const sequenceOf = (...parts: Uint8Array[]): Uint8Array => {
  const body = Buffer.concat(parts);
  return new Uint8Array([0x30, body.length, ...body]);
};

describe('verifySignature with DSA', () => {
  const data = new TextEncoder().encode('tbsCertificate stand-in');

  describe('when DSA is allowed', () => {
    it('verifies DSA 2048/256 with SHA-256 and DSA 1024/160 with SHA-1', async () => {
      const a = await check(p2048, DSA_WITH_SHA256, data, sigOf(p2048, 'sha256', data));
      const b = await check(p1024, DSA_WITH_SHA1, data, sigOf(p1024, 'sha1', data));
      expect(a).toEqual({ ok: true, algorithm: 'DSA SHA-256 2048/256' });
      expect(b).toEqual({ ok: true, algorithm: 'DSA SHA-1 1024/160' });
    });

    it('agrees with OpenSSL on 40 signatures, half of them over other data', async () => {
      for (let i = 0; i < 40; i++) {
        const message = new Uint8Array(randomBytes(1 + i * 7));
        const signature = sigOf(p2048, 'sha256', message);
        const checked = i % 2 === 0 ? message : new Uint8Array(randomBytes(message.length));
        const openssl = verify('sha256', checked, { key: p2048.publicKey, dsaEncoding: 'der' }, signature);
        const ours = await check(p2048, DSA_WITH_SHA256, checked, signature);
        expect(ours.ok).toBe(openssl);
      }
    });

    it('rejects (r = 1, s = 0), which the verification equation alone would accept', async () => {
      // s = 0 makes u1 = u2 = 0 and v = 1 for every key and message: only the range check stops it.
      const forged = sequenceOf(derInteger(1n), derInteger(0n));
      const outcome = await check(p1024, DSA_WITH_SHA1, data, forged);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason.code).toBe('SIGNATURE_INVALID');
    });

    it('rejects a signature that is not strict DER as SIGNATURE_ENCODING_INVALID', async () => {
      const { r, s } = readRs(sigOf(p1024, 'sha1', data));
      const padded = derInteger(r);
      const nonMinimal = new Uint8Array([0x02, (padded[1] as number) + 1, 0x00, ...padded.subarray(2)]);
      const outcome = await check(p1024, DSA_WITH_SHA1, data, sequenceOf(nonMinimal, derInteger(s)));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason.code).toBe('SIGNATURE_ENCODING_INVALID');
    });
  });

  describe('when the key carries NULL where its Dss-Parms belong', () => {
    it('is malformed (RFC 3279: parameters are present or absent, never NULL)', async () => {
      const dsaOid = new Uint8Array([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]);
      const algorithm = sequenceOf(dsaOid, new Uint8Array([0x05, 0x00]));
      // The original key's BIT STRING is the SPKI's last element: skip the AlgorithmIdentifier.
      const spki = p1024.spki;
      const algLenAt = spki[1] === 0x82 ? 4 : spki[1] === 0x81 ? 3 : 2;
      const algLength =
        spki[algLenAt + 1] === 0x82
          ? 4 + (((spki[algLenAt + 2] as number) << 8) | (spki[algLenAt + 3] as number))
          : spki[algLenAt + 1] === 0x81
            ? 3 + (spki[algLenAt + 2] as number)
            : 2 + (spki[algLenAt + 1] as number);
      const key = spki.subarray(algLenAt + algLength);
      const body = Buffer.concat([algorithm, key]);
      const nullSpki = new Uint8Array([0x30, 0x81, body.length, ...body]);
      expect(body.length).toBeGreaterThanOrEqual(128);
      expect(body.length).toBeLessThan(256);
      const outcome = await verifySignature(
        subtle,
        { spki: nullSpki, algorithm: DSA_WITH_SHA1, data, signature: sigOf(p1024, 'sha1', data) },
        { allowDsa: true },
      );
      expect(outcome.ok).toBe(false);
      // Not "no parameters, none inherited": a NULL must not be read as absent (and then inherit any).
      if (!outcome.ok)
        expect(outcome.reason).toMatchObject({
          code: 'CERT_MALFORMED',
          message: expect.stringContaining('cannot be parsed'),
        });
    });
  });

  describe('when DSA is not allowed (the service)', () => {
    it('refuses a valid DSA signature with UNSUPPORTED_ALGORITHM', async () => {
      const outcome = await check(p2048, DSA_WITH_SHA256, data, sigOf(p2048, 'sha256', data), false);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason.code).toBe('UNSUPPORTED_ALGORITHM');
    });
  });
});
