import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVELOPE_LIMITS, parseCmsEnvelope, readCmsEnvelope } from '../../src/verify/cms-envelope';
import { concatBytes, decodeTree, encodeTree, type TreeNode } from '../helpers/der-tree';
import {
  ocspFile,
  ocspResponse,
  otherRevocationInfo,
  withOcspResponses,
  withRevocationInfo,
} from '../helpers/ocsp-fixtures';
import { readTimestampFixture } from '../helpers/timestamp-fixtures';

const signature = ocspFile('signatures/leaf-good.der');
const good = ocspResponse('good-by-responder');
const revoked = ocspResponse('revoked-by-responder');
/** id-ri-scvp (RFC 5940 §4.2): a revocation format trustgate does not read. */
const OID_RI_SCVP_DER = Uint8Array.of(0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x10, 0x04);

const read = (bytes: Uint8Array) => {
  const result = parseCmsEnvelope(bytes);
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.envelope;
};

describe('readCmsEnvelope on OCSP responses carried in the SignedData (RFC 5940)', () => {
  describe('when the signature carries none', () => {
    it('reads no OCSP response', () => {
      expect(read(signature).ocspResponses).toEqual([]);
    });
  });

  describe('when the signature carries id-ri-ocsp-response entries', () => {
    it('keeps each OCSPResponse as the exact bytes received, in order', () => {
      const envelope = read(withOcspResponses(signature, [good, revoked]));
      expect(envelope.ocspResponses.map((r) => Buffer.from(r))).toEqual([
        Buffer.from(good),
        Buffer.from(revoked),
      ]);
      expect(envelope.crls).toEqual([]);
    });
    it('reads them next to an X.509 CRL', () => {
      const crl = readTimestampFixture('crls/ca-revokes-nothing.crl');
      const bytes = withRevocationInfo(withOcspResponses(signature, [good]), [
        { tag: 0x30, raw: crl } as Parameters<typeof withRevocationInfo>[1][number],
      ]);
      const envelope = read(bytes);
      expect(envelope.ocspResponses).toHaveLength(1);
      expect(envelope.crls.map((c) => Buffer.from(c))).toEqual([Buffer.from(crl)]);
    });
    it('hands them out frozen from the remembered envelopes', () => {
      const result = readCmsEnvelope(withOcspResponses(signature, [good]));
      expect(result.ok && Object.isFrozen(result.envelope.ocspResponses)).toBe(true);
    });
  });

  describe('when the SignedData version is not 5 (RFC 5652 §5.1 with other revocation information)', () => {
    it('cannot be read', () => {
      const bytes = withRevocationInfo(
        signature,
        [
          otherRevocationInfo(
            Uint8Array.of(0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x10, 0x02),
            good,
          ),
        ],
        1,
      );
      const result = parseCmsEnvelope(bytes);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toContain('requires 5');
    });
  });

  describe('when an other revocation format is not id-ri-ocsp-response', () => {
    it('cannot be read, as before', () => {
      const bytes = withRevocationInfo(signature, [otherRevocationInfo(OID_RI_SCVP_DER, good)]);
      const result = parseCmsEnvelope(bytes);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toContain('only OCSP responses are supported');
    });
  });

  describe('when the carried OCSP response is not a successful basic response in DER', () => {
    it('cannot be read', () => {
      const unsuccessful = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03);
      // a byte more inside the OCTET STRING that holds the BasicOCSPResponse: not DER any more
      const root = decodeTree(good);
      const octets = root.children?.[1]?.children?.[0]?.children?.[1] as TreeNode;
      octets.value = concatBytes([octets.value as Uint8Array, Uint8Array.of(0)]);
      const padded = encodeTree(root);
      for (const response of [unsuccessful, padded]) {
        const result = parseCmsEnvelope(withOcspResponses(signature, [response]));
        expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      }
    });
  });

  describe('when the signature carries more revocation entries than the limit', () => {
    it('is refused with CRLS_LIMIT', () => {
      const many = Array.from({ length: (DEFAULT_ENVELOPE_LIMITS.maxCrls ?? 32) + 1 }, () => good);
      expect(parseCmsEnvelope(withOcspResponses(signature, many))).toMatchObject({
        ok: false,
        code: 'CRLS_LIMIT',
      });
    });
  });
});
