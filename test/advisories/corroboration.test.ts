import { describe, expect, it } from 'vitest';
import {
  type CertificateInfo,
  findCorroboration,
  isCorroborated,
  readCertificate,
} from '../../src/advisories/index';
import { derOf, fixtureBytes, pemBlocks, subtle } from './helpers/feed-server';

async function read(der: Uint8Array): Promise<CertificateInfo> {
  const result = await readCertificate(der, subtle);
  if (!result.ok) throw new Error(result.reason);
  return result.certificate;
}

const chain = pemBlocks('letsencrypt-gen-y-root-ye_chain.pem');
const [yePem, yeByX2Pem, x2Pem] = chain as [string, string, string];
const [revokedCrossPem] = pemBlocks('letsencrypt-root-ye-by-x2_REVOKED-2025-crosssign.pem') as [string];

const YE = 'e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5666';
const YE_BY_X2 = '0fc0901cca2bae9e9fdbb02d50d02f1094f7b36672086991b9e897626dc485f0';
const X2 = '69729b8e15a86efc177a57afb7171dfc64add28c2fca8cf1507e34453ccb1470';
const YE_SPKI = Buffer.from('sCkq5UWXjg+7mKu9lMhhYF5bGLsy7VI/UNW3tccdR7w=', 'base64').toString('hex');

describe('readCertificate', () => {
  describe('when given the Let’s Encrypt Gen Y chain', () => {
    it('computes the certificate, SHA-1 and SPKI fingerprints published for it', async () => {
      const [ye, yeByX2, x2] = await Promise.all([yePem, yeByX2Pem, x2Pem].map((p) => read(derOf(p))));
      expect(ye).toMatchObject({
        sha256: YE,
        sha1: 'a9571557a77db78ffac2e97b57b898569039c340',
        spkiSha256: YE_SPKI,
        selfIssued: true,
      });
      expect(ye?.subject).toContain('Root YE');
      expect(yeByX2).toMatchObject({ sha256: YE_BY_X2, spkiSha256: YE_SPKI, selfIssued: false });
      expect(yeByX2?.issuer).toContain('ISRG Root X2');
      expect(x2).toMatchObject({
        sha256: X2,
        spkiSha256: Buffer.from('diGVwiVYbubAI3RW4hB9xU8e/CH2GnkuvVFZE8zmgzI=', 'base64').toString('hex'),
      });
      expect(ye?.pem).toBe(yePem.trim().concat('\n'));
    });
  });

  describe('when given bytes that are not a certificate', () => {
    it('returns a reason', async () => {
      expect(await readCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), subtle)).toMatchObject({
        ok: false,
      });
      const der = derOf(yePem);
      expect(await readCertificate(der.subarray(0, der.length - 1), subtle)).toMatchObject({ ok: false });
      expect(fixtureBytes('letsencrypt-gen-y-root-ye_chain.pem').length).toBeGreaterThan(0);
    });
  });
});

describe('isCorroborated', () => {
  describe('when ISRG Root X2 is active and the feed supplied the cross-signed twin', () => {
    it('corroborates Root YE', async () => {
      const [ye, yeByX2, x2] = await Promise.all([yePem, yeByX2Pem, x2Pem].map((p) => read(derOf(p))));
      expect(
        await isCorroborated(ye as CertificateInfo, [x2 as CertificateInfo], subtle, [
          yeByX2 as CertificateInfo,
        ]),
      ).toBe(true);
      expect(
        await findCorroboration(ye as CertificateInfo, [x2 as CertificateInfo], subtle, [
          yeByX2 as CertificateInfo,
          x2 as CertificateInfo,
        ]),
      ).toEqual({ rootSha256: X2, rootSubject: x2?.subject, crossSignSha256: YE_BY_X2 });
    });

    it('corroborates with the revoked 2025 cross-sign too (revocation is not checked: a hint, not trust)', async () => {
      const [ye, revoked, x2] = await Promise.all([yePem, revokedCrossPem, x2Pem].map((p) => read(derOf(p))));
      expect(
        await isCorroborated(ye as CertificateInfo, [x2 as CertificateInfo], subtle, [
          revoked as CertificateInfo,
        ]),
      ).toBe(true);
    });
  });

  describe('when nothing an active root signed carries the candidate key', () => {
    it('does not corroborate the self-signed root alone, or with no active root', async () => {
      const [ye, yeByX2, x2] = await Promise.all([yePem, yeByX2Pem, x2Pem].map((p) => read(derOf(p))));
      expect(await isCorroborated(ye as CertificateInfo, [x2 as CertificateInfo], subtle, [])).toBe(false);
      expect(await isCorroborated(ye as CertificateInfo, [], subtle, [yeByX2 as CertificateInfo])).toBe(
        false,
      );
    });

    it('does not let a root corroborate itself', async () => {
      const x2 = await read(derOf(x2Pem));
      expect(await isCorroborated(x2, [x2], subtle, [x2])).toBe(false);
    });

    it('does not corroborate when an active root has the issuer’s name but another key', async () => {
      const [ye, yeByX2, x2] = await Promise.all([yePem, yeByX2Pem, x2Pem].map((p) => read(derOf(p))));
      const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const otherSpki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
      const impostor: CertificateInfo = {
        ...(x2 as CertificateInfo),
        spkiDer: otherSpki,
        spkiSha256: 'other',
        sha256: 'other',
      };
      expect(
        await isCorroborated(ye as CertificateInfo, [impostor], subtle, [yeByX2 as CertificateInfo]),
      ).toBe(false);
    });
  });

  describe('when the cross-signature was tampered with', () => {
    it('does not corroborate', async () => {
      const [ye, x2] = await Promise.all([yePem, x2Pem].map((p) => read(derOf(p))));
      const der = derOf(yeByX2Pem);
      der[der.length - 10] = (der[der.length - 10] ?? 0) ^ 0x01; // inside the signature value
      const tampered = await read(der);
      expect(await isCorroborated(ye as CertificateInfo, [x2 as CertificateInfo], subtle, [tampered])).toBe(
        false,
      );
    });
  });

  describe('when the vendor rotates RSA or ECDSA P-256 roots', () => {
    it.each(['cross-sign-rsa_chain.pem', 'cross-sign-p256_chain.pem'])(
      'corroborates the new root of %s through the old root’s cross-signature',
      async (file) => {
        const [fresh, cross, old] = await Promise.all(pemBlocks(file).map((p) => read(derOf(p))));
        const [n, c, o] = [fresh, cross, old] as [CertificateInfo, CertificateInfo, CertificateInfo];
        expect(n.spkiSha256).toBe(c.spkiSha256);
        expect(await findCorroboration(n, [o], subtle, [c, o])).toEqual({
          rootSha256: o.sha256,
          rootSubject: o.subject,
          crossSignSha256: c.sha256,
        });
        expect(await isCorroborated(n, [n], subtle, [c])).toBe(false);
      },
    );
  });
});
