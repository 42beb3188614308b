import { describe, expect, it } from 'vitest';
import { type VerifyRequest, verifyPackage } from '../../src/verify';
import {
  OCSP_TIME,
  ocspCertificate,
  ocspFile,
  ocspManifest,
  ocspResponse,
  withOcspResponses,
} from '../helpers/ocsp-fixtures';

/** OCSP in verifyPackage: responses carried in the CMS (RFC 5940) and fetched from the signer's AIA. */

const subtle = globalThis.crypto.subtle;
const artifact = ocspFile('signatures/artifact.bin');
const anchors = [{ id: 'ocsp-root', der: ocspCertificate('root').der }];

async function verify(signer: 'good' | 'revoked', embedded: string[], extra: Partial<VerifyRequest> = {}) {
  const signature = ocspFile(`signatures/leaf-${signer}.der`);
  const result = await verifyPackage({
    signature: embedded.length > 0 ? withOcspResponses(signature, embedded.map(ocspResponse)) : signature,
    artifact: { kind: 'bytes', bytes: artifact },
    anchors,
    time: OCSP_TIME,
    subtle,
    ...extra,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  const { outcome } = result;
  return {
    ...outcome,
    codes: outcome.reasons.map((r) => r.code),
    warningMessages: (outcome.warnings ?? []).map((r) => r.message),
  };
}

describe('verifyPackage with OCSP', () => {
  describe('when the signature carries a response that the signer is revoked', () => {
    it('rejects with CERT_REVOKED under best-effort, and hands the revocation over to be remembered', async () => {
      const outcome = await verify('revoked', ['revoked-by-responder']);
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toEqual(['CERT_REVOKED']);
      expect(outcome.reasons[0]?.message).toContain('OCSP');
      expect(outcome.revocationEvidence?.flatMap((e) => e.revocations)).toMatchObject([
        {
          serial: outcome.signer?.serial,
          reasonCode: ocspManifest.revokedReasonCode,
          revocationDate: new Date(ocspManifest.revokedAt),
        },
      ]);
    });
  });

  describe('when a stale response says revoked', () => {
    it('still rejects with CERT_REVOKED', async () => {
      const outcome = await verify('revoked', ['revoked-stale']);
      expect(outcome.codes).toEqual(['CERT_REVOKED']);
    });
  });

  describe('when the signature carries a good response from the delegated responder', () => {
    it('trusts it; only the CA, which no CRL or response covers, is left as a warning', async () => {
      const outcome = await verify('good', ['good-by-responder']);
      expect(outcome.verdict).toBe('trusted');
      expect(outcome.warningMessages).toHaveLength(1);
      expect(outcome.warningMessages[0]).toContain(outcome.chain[1]?.subject ?? '?');
    });
  });

  describe('when the good response cannot vouch (stale, unauthorised responder, unknown status)', () => {
    it('leaves the signer unknown: a warning under best-effort, rejected under require', async () => {
      // good-stale's nextUpdate is one minute after its thisUpdate: an hour later it is past any skew.
      const cases: Array<[string, Date]> = [
        ['good-stale', new Date(OCSP_TIME.getTime() + 60 * 60_000)],
        ['good-by-responder-without-eku', OCSP_TIME],
        ['good-by-responder-of-other-ca', OCSP_TIME],
        ['unknown-by-responder', OCSP_TIME],
      ];
      for (const [response, time] of cases) {
        const bestEffort = await verify('good', [response], { time });
        expect(bestEffort.verdict).toBe('trusted');
        expect(bestEffort.warningMessages.some((m) => m.includes(bestEffort.signer?.subject ?? '?'))).toBe(
          true,
        );
        const required = await verify('good', [response], { time, revocation: 'require' });
        expect(required.verdict).toBe('rejected');
        expect(required.codes).toEqual(['REVOCATION_UNAVAILABLE', 'REVOCATION_UNAVAILABLE']);
      }
    });
  });

  describe("when the server asks the signer's responder", () => {
    it('sends the request to the AIA URL and rejects on a revoked answer', async () => {
      const asked: Array<{ urls: string[]; cacheKey: string }> = [];
      const outcome = await verify('revoked', [], {
        fetchOcsp: async (request) => {
          asked.push({ urls: request.urls, cacheKey: request.cacheKey });
          return [ocspResponse('revoked-by-responder')];
        },
      });
      expect(asked).toHaveLength(1);
      expect(asked[0]?.urls).toEqual([ocspManifest.aiaOcspUrl]);
      expect(outcome.codes).toEqual(['CERT_REVOKED']);
    });

    it('does not ask for a signature whose digest is broken', async () => {
      let asked = 0;
      const result = await verifyPackage({
        signature: ocspFile('signatures/leaf-revoked.der'),
        artifact: { kind: 'bytes', bytes: new TextEncoder().encode('not the artifact') },
        anchors,
        time: OCSP_TIME,
        subtle,
        fetchOcsp: async () => {
          asked++;
          return [];
        },
      });
      expect(result.ok && result.outcome.verdict).toBe('rejected');
      expect(asked).toBe(0);
    });
  });
});
