import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ocspRequestFor, ocspResponderUrls, ocspStatus } from '../../../src/verify/ocsp';
import { SignatureChecker } from '../../../src/verify/path/signature-checker';
import { concatBytes, decodeTree, encodeTree } from '../../helpers/der-tree';
import {
  OCSP_TIME,
  ocspCertificate,
  ocspManifest,
  ocspRequest,
  ocspResponse,
  requestNonce,
} from '../../helpers/ocsp-fixtures';

const subtle = globalThis.crypto.subtle;
const ca = ocspCertificate('ca');
const good = ocspCertificate('leaf-good');
const revoked = ocspCertificate('leaf-revoked');
const unknownLeaf = ocspCertificate('leaf-unknown');
const HOUR = 60 * 60_000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function statusOf(
  responses: Uint8Array[],
  options: { cert?: typeof good; time?: Date; nonce?: Uint8Array; maxAgeWithoutNextUpdateMs?: number } = {},
) {
  return ocspStatus({
    cert: options.cert ?? good,
    issuer: ca,
    responses,
    time: options.time ?? OCSP_TIME,
    checker: new SignatureChecker(subtle, 64),
    ...(options.nonce ? { nonce: options.nonce } : {}),
    ...(options.maxAgeWithoutNextUpdateMs !== undefined
      ? { maxAgeWithoutNextUpdateMs: options.maxAgeWithoutNextUpdateMs }
      : {}),
  });
}

const why = async (promise: ReturnType<typeof ocspStatus>) => {
  const status = await promise;
  expect(status.kind).toBe('unknown');
  return status.kind === 'unknown' ? status.why.join('\n') : '';
};

/** The response with its BasicOCSPResponse changed by `edit` (the OCTET STRING re-encoded around it). */
function editBasic(bytes: Uint8Array, edit: (basic: ReturnType<typeof decodeTree>) => void): Uint8Array {
  const root = decodeTree(bytes);
  const octets = root.children?.[1]?.children?.[0]?.children?.[1];
  if (!octets?.value) throw new Error('not a successful OCSPResponse');
  const basic = decodeTree(octets.value);
  edit(basic);
  octets.value = encodeTree(basic);
  return encodeTree(root);
}

describe('ocspStatus', () => {
  describe('when the issuing CA signs the answer itself', () => {
    it('says good, with the SHA-256 of the response as evidence', async () => {
      const response = ocspResponse('good-by-ca');
      expect(await statusOf([response])).toEqual({ kind: 'good', evidenceSha256: sha256(response) });
    });
  });

  describe('when a delegated responder (issued by the CA, EKU OCSPSigning) signs', () => {
    it('says good for the good leaf', async () => {
      expect((await statusOf([ocspResponse('good-by-responder')])).kind).toBe('good');
    });
    it('says good when the responder is named by its key hash', async () => {
      expect((await statusOf([ocspResponse('good-by-responder-key-id')])).kind).toBe('good');
    });
    it('says good when the CertID is hashed with SHA-256', async () => {
      expect((await statusOf([ocspResponse('good-sha256-certid')])).kind).toBe('good');
    });
    it('says revoked, with the revocation time and reason, for the revoked leaf', async () => {
      const response = ocspResponse('revoked-by-responder');
      expect(await statusOf([response], { cert: revoked })).toEqual({
        kind: 'revoked',
        date: new Date(ocspManifest.revokedAt),
        reasonCode: ocspManifest.revokedReasonCode,
        evidenceSha256: sha256(response),
      });
    });
    it('says unknown when the responder does not know the certificate', async () => {
      expect(await why(statusOf([ocspResponse('unknown-by-responder')], { cert: unknownLeaf }))).toContain(
        'does not know the certificate',
      );
    });
    it('reads the answer for the certificate asked about out of several', async () => {
      const both = ocspResponse('good-and-revoked');
      expect((await statusOf([both])).kind).toBe('good');
      expect((await statusOf([both], { cert: revoked })).kind).toBe('revoked');
    });
  });

  describe('when the signer is not authorised by the issuer', () => {
    it('refuses a responder certificate without id-kp-OCSPSigning', async () => {
      expect(await why(statusOf([ocspResponse('good-by-responder-without-eku')]))).toContain(
        'lacks EKU id-kp-OCSPSigning',
      );
    });
    it('refuses a responder certificate of another CA (even with id-kp-OCSPSigning)', async () => {
      expect(await why(statusOf([ocspResponse('good-by-responder-of-other-ca')]))).toContain(
        'is not issued by the certificate issuer',
      );
    });
    it('refuses a responder certificate that has expired', async () => {
      expect(await why(statusOf([ocspResponse('good-by-expired-responder')]))).toContain(
        'is not valid at the time of the check',
      );
    });
    it('refuses a response signed by a certificate that is no responder', async () => {
      expect(await why(statusOf([ocspResponse('good-by-leaf')]))).toContain('lacks EKU id-kp-OCSPSigning');
    });
  });

  describe('when the response is not fresh at the pinned time', () => {
    // The stale answers' nextUpdate is one minute after their thisUpdate; an hour later they are stale.
    const hourLater = new Date(OCSP_TIME.getTime() + HOUR);
    it('says unknown for a good answer past its nextUpdate', async () => {
      expect(await why(statusOf([ocspResponse('good-stale')], { time: hourLater }))).toContain('stale');
    });
    it('still says revoked once the delegated responder has expired (it was valid when it answered)', async () => {
      // The responder certificate is valid until 2034; its answers were produced in 2026.
      const after = new Date('2035-01-01T00:00:00Z');
      expect(
        (await statusOf([ocspResponse('revoked-by-responder')], { cert: revoked, time: after })).kind,
      ).toBe('revoked');
      expect((await statusOf([ocspResponse('good-by-responder')], { time: after })).kind).toBe('unknown');
    });
    it('still says revoked for a revoked answer past its nextUpdate (revoked stays revoked)', async () => {
      expect((await statusOf([ocspResponse('revoked-stale')], { cert: revoked, time: hourLater })).kind).toBe(
        'revoked',
      );
    });
    it('says unknown for an answer made more than five minutes after the pinned time', async () => {
      const early = new Date(OCSP_TIME.getTime() - HOUR);
      expect(await why(statusOf([ocspResponse('good-by-responder')], { time: early }))).toContain(
        'is in the future',
      );
    });
    it('accepts an answer without nextUpdate for seven days by default, not eight', async () => {
      const response = ocspResponse('good-no-next-update');
      expect((await statusOf([response])).kind).toBe('good');
      const later = (days: number) => new Date(OCSP_TIME.getTime() + days * 24 * HOUR);
      expect((await statusOf([response], { time: later(6) })).kind).toBe('good');
      expect(await why(statusOf([response], { time: later(8) }))).toContain('no nextUpdate');
    });
    it('applies a shorter window for answers without nextUpdate when asked', async () => {
      const response = ocspResponse('good-no-next-update');
      expect(await why(statusOf([response], { maxAgeWithoutNextUpdateMs: 60_000 }))).toContain('stale');
    });
  });

  describe('when the response was changed after it was signed', () => {
    it('says unknown when the signature bits are altered', async () => {
      const tampered = editBasic(ocspResponse('good-by-responder'), (basic) => {
        const signature = basic.children?.[2]?.value as Uint8Array;
        signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 0x01;
      });
      expect(await why(statusOf([tampered]))).toContain('does not verify');
    });
    it('says unknown when a signed field is altered (a revoked answer turned good)', async () => {
      const tampered = editBasic(ocspResponse('revoked-by-responder'), (basic) => {
        const single = basic.children?.[0]?.children?.[2]?.children?.[0];
        if (!single?.children) throw new Error('no SingleResponse');
        single.children[1] = { tag: 0x80, value: new Uint8Array() };
      });
      expect(await why(statusOf([tampered], { cert: revoked }))).toContain('does not verify');
    });
  });

  describe('when the response is about another certificate', () => {
    it('says unknown (no matching CertID)', async () => {
      expect(await why(statusOf([ocspResponse('good-by-responder')], { cert: revoked }))).toContain(
        'no matching CertID',
      );
    });
  });

  describe('when a nonce was sent', () => {
    const sent = requestNonce(ocspRequest('good-nonce'));
    it('accepts the answer that echoes it', async () => {
      expect((await statusOf([ocspResponse('good-with-nonce')], { nonce: sent })).kind).toBe('good');
    });
    it('refuses an answer that carries another nonce', async () => {
      const other = sent.map((b) => b ^ 0xff);
      expect(await why(statusOf([ocspResponse('good-with-nonce')], { nonce: other }))).toContain('nonce');
    });
    it('accepts a fresh answer that carries no nonce (pre-produced responses)', async () => {
      expect((await statusOf([ocspResponse('good-by-responder')], { nonce: sent })).kind).toBe('good');
    });
  });

  describe('when the bytes are not a usable OCSP response', () => {
    it('names the responder status of an unsuccessful response', async () => {
      expect(await why(statusOf([Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x06)]))).toContain('unauthorized');
    });
    it('refuses trailing bytes, BER lengths and garbage, as values', async () => {
      const response = ocspResponse('good-by-responder');
      const trailing = concatBytes([response, Uint8Array.of(0)]);
      const ber = concatBytes([Uint8Array.of(0x30, 0x80), response.subarray(4), Uint8Array.of(0, 0)]);
      for (const bytes of [trailing, ber, new Uint8Array(0), Uint8Array.of(0x30)])
        expect(await why(statusOf([bytes]))).toContain('malformed');
    });
    it('says unknown when there is no response at all', async () => {
      expect(await why(statusOf([]))).toContain('no OCSP response');
    });
  });

  describe('when several responses are given', () => {
    it('lets an authorised revoked answer win over an unusable or good one', async () => {
      const status = await statusOf(
        [Uint8Array.of(1, 2, 3), ocspResponse('good-and-revoked'), ocspResponse('revoked-by-responder')],
        { cert: revoked },
      );
      expect(status.kind).toBe('revoked');
    });
    it('reads at most eight', async () => {
      const junk = Array.from({ length: 8 }, () => Uint8Array.of(0x30, 0x00));
      const text = await why(statusOf([...junk, ocspResponse('good-by-responder')]));
      expect(text).toContain('1 further OCSP responses were not read');
    });
  });

  describe('when the issuer given did not issue the certificate', () => {
    it('says unknown without reading the responses', async () => {
      const status = await ocspStatus({
        cert: good,
        issuer: ocspCertificate('other-ca'),
        responses: [ocspResponse('good-by-responder')],
        time: OCSP_TIME,
        checker: new SignatureChecker(subtle, 64),
      });
      expect(status).toMatchObject({ kind: 'unknown', why: [expect.stringContaining('did not issue')] });
    });
  });
});

describe('ocspRequestFor', () => {
  describe('when asked without a nonce', () => {
    it('writes the bytes OpenSSL writes for the same certificate (SHA-1 CertID)', () => {
      expect(Buffer.from(ocspRequestFor(good, ca))).toEqual(Buffer.from(ocspRequest('good')));
    });
  });
  describe('when asked with a nonce', () => {
    it('writes the nonce extension as OpenSSL does', () => {
      const request = ocspRequest('good-nonce');
      expect(Buffer.from(ocspRequestFor(good, ca, requestNonce(request)))).toEqual(Buffer.from(request));
    });
  });
});

describe('ocspResponderUrls', () => {
  describe("when the certificate's AIA names an OCSP responder", () => {
    it('returns its URL', () => {
      expect(ocspResponderUrls(good)).toEqual([ocspManifest.aiaOcspUrl]);
    });
  });
  describe('when the certificate has no AIA', () => {
    it('returns nothing', () => {
      expect(ocspResponderUrls(ca)).toEqual([]);
    });
  });
});
