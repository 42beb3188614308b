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
});
