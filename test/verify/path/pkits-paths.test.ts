import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAndValidatePath, type PathOutcome, type PathRequest } from '../../../src/verify/path/index';

/** Revocation and policy behaviour on NIST PKITS certificates (test/conformance/nist-pkits). */

const dir = join(new URL('.', import.meta.url).pathname, '../../conformance/nist-pkits');
const cert = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, 'certs', `${name}.crt`)));
const crl = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, 'crls', `${name}.crl`)));
const TIME = new Date('2011-04-15T00:00:00Z');

function request(chain: string[], crls: string[] | undefined, extra: Partial<PathRequest> = {}): PathRequest {
  const ders = chain.map(cert);
  return {
    leaf: ders[ders.length - 1] as Uint8Array,
    intermediates: ders.slice(1, -1),
    anchors: [{ id: 'pkits', der: ders[0] as Uint8Array }],
    time: TIME,
    requiredEku: [],
    leafKeyUsage: [],
    crls: crls?.map(crl),
    subtle: globalThis.crypto.subtle,
    ...extra,
  };
}
const codes = (o: PathOutcome): string[] => (o.status === 'valid' ? [] : o.reasons.map((r) => r.code));

describe('buildAndValidatePath on PKITS certificates', () => {
  describe('when CRLs are supplied and the end entity is on the CRL of its CA', () => {
    it('is invalid with CERT_REVOKED', async () => {
      const outcome = await buildAndValidatePath(
        request(
          ['TrustAnchorRootCertificate', 'GoodCACert', 'InvalidRevokedEETest3EE'],
          ['TrustAnchorRootCRL', 'GoodCACRL'],
        ),
      );
      expect(outcome.status).toBe('invalid');
      expect(codes(outcome)).toEqual(['CERT_REVOKED']);
    });
  });

  describe('when CRLs are supplied but none covers a certificate of the path', () => {
    it('is invalid with REVOCATION_UNAVAILABLE', async () => {
      const outcome = await buildAndValidatePath(
        request(
          ['TrustAnchorRootCertificate', 'NoCRLCACert', 'InvalidMissingCRLTest1EE'],
          ['TrustAnchorRootCRL'],
        ),
      );
      expect(codes(outcome)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when no CRLs are supplied', () => {
    it('does not check revocation', async () => {
      const outcome = await buildAndValidatePath(
        request(['TrustAnchorRootCertificate', 'GoodCACert', 'InvalidRevokedEETest3EE'], undefined),
      );
      expect(outcome.status).toBe('valid');
    });
  });

  describe('when the CRL of the CA has expired (nextUpdate before the validation time)', () => {
    it('is invalid with REVOCATION_UNAVAILABLE', async () => {
      const outcome = await buildAndValidatePath(
        request(
          ['TrustAnchorRootCertificate', 'OldCRLnextUpdateCACert', 'InvalidOldCRLnextUpdateTest11EE'],
          ['TrustAnchorRootCRL', 'OldCRLnextUpdateCACRL'],
        ),
      );
      expect(codes(outcome)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when an explicit policy is required and the path asserts another', () => {
    it('is invalid with POLICY_CONSTRAINTS_VIOLATED', async () => {
      const chain = ['TrustAnchorRootCertificate', 'GoodCACert', 'ValidCertificatePathTest1EE'];
      const policy = {
        initialPolicySet: ['2.16.840.1.101.3.2.1.48.2'],
        explicitPolicy: true,
        policyMappingInhibit: false,
        inhibitAnyPolicy: false,
      };
      expect(codes(await buildAndValidatePath(request(chain, undefined, { policy })))).toEqual([
        'POLICY_CONSTRAINTS_VIOLATED',
      ]);
      const anyPolicy = { ...policy, initialPolicySet: ['2.16.840.1.101.3.2.1.48.1'] };
      expect((await buildAndValidatePath(request(chain, undefined, { policy: anyPolicy }))).status).toBe(
        'valid',
      );
    });
  });

  describe('when a DSA CA with parameters issues a CA whose DSA key inherits them', () => {
    const chain = [
      'TrustAnchorRootCertificate',
      'DSACACert',
      'DSAParametersInheritedCACert',
      'ValidDSAParameterInheritanceTest5EE',
    ];
    const crls = ['TrustAnchorRootCRL', 'DSACACRL', 'DSAParametersInheritedCACRL'];
    const flipLastByte = (der: Uint8Array): Uint8Array => {
      const copy = der.slice();
      copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0x01;
      return copy;
    };

    it('is valid when DSA is allowed, signatures and CRLs checked under the inherited parameters', async () => {
      expect((await buildAndValidatePath(request(chain, crls, { allowDsa: true }))).status).toBe('valid');
    });

    it('is refused with UNSUPPORTED_ALGORITHM when DSA is not allowed (the default)', async () => {
      const outcome = await buildAndValidatePath(request(chain, crls));
      expect(outcome.status).not.toBe('valid');
      expect(codes(outcome)).toContain('UNSUPPORTED_ALGORITHM');
    });

    it('is not valid when the end entity signature under the inheriting key is altered', async () => {
      const req = request(chain, crls, { allowDsa: true });
      const outcome = await buildAndValidatePath({ ...req, leaf: flipLastByte(req.leaf) });
      expect(outcome.status).not.toBe('valid');
      expect(codes(outcome)).toContain('CERT_SIGNATURE_INVALID');
    });

    it('does not use a CRL whose signature under the inheriting key is altered', async () => {
      const req = request(chain, crls, { allowDsa: true });
      const tampered = (req.crls ?? []).map((der, i) => (i === 2 ? flipLastByte(der) : der));
      const outcome = await buildAndValidatePath({ ...req, crls: tampered });
      expect(codes(outcome)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when a DSA CA signs an end entity with DSA and SHA-1', () => {
    it('is valid when DSA is allowed and not valid once the signature is altered', async () => {
      const req = request(
        ['TrustAnchorRootCertificate', 'DSACACert', 'ValidDSASignaturesTest4EE'],
        ['TrustAnchorRootCRL', 'DSACACRL'],
        { allowDsa: true },
      );
      expect((await buildAndValidatePath(req)).status).toBe('valid');
      const altered = req.leaf.slice();
      altered[altered.length - 1] = (altered[altered.length - 1] as number) ^ 0x01;
      const outcome = await buildAndValidatePath({ ...req, leaf: altered });
      expect(codes(outcome)).toContain('CERT_SIGNATURE_INVALID');
    });
  });
});
