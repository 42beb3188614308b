import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findCertificateInCms } from '../../src/trust/signer-certificate';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { leafPem } from './helpers/admin-client';

const subtle = globalThis.crypto.subtle;
const leafSha256 = (name: string) =>
  createHash('sha256')
    .update(Buffer.from(leafPem(name).replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'))
    .digest('hex');

describe('findCertificateInCms', () => {
  describe('when the envelope carries the certificate', () => {
    it('finds it in DER and in PEM armour', async () => {
      for (const name of ['rsa2048-sha256-detached-der-trusted', 'rsa2048-sha256-detached-pem-trusted']) {
        const sha256 = leafSha256(name);
        const found = await findCertificateInCms(subtle, readFixture(cmsCase(name).signature), sha256);
        expect(found?.sha256Hex).toBe(sha256);
        expect(found?.subject).toContain('Acme Widget Release Signing');
      }
    });
  });

  describe('when it does not, or the input is not CMS', () => {
    it('returns null, so that callers fail closed', async () => {
      const signature = readFixture(cmsCase('rsa2048-sha256-detached-der-trusted').signature);
      expect(await findCertificateInCms(subtle, signature, '0'.repeat(64))).toBeNull();
      expect(
        await findCertificateInCms(subtle, new Uint8Array([0x30, 0x80, 0x30]), '0'.repeat(64)),
      ).toBeNull();
      expect(
        await findCertificateInCms(
          subtle,
          signature.subarray(0, 100),
          leafSha256('rsa2048-sha256-detached-der-trusted'),
        ),
      ).toBeNull();
    });
  });
});
