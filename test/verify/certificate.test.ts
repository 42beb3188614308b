import { describe, expect, it } from 'vitest';
import { isParseError, type ParsedCertificate, parseCertificate } from '../../src/verify/certificate';
import { CODE_SIGNING, concat, ext, makeCert, makeLeaf, makeRoot } from './path/cert-factory';

const subtle = globalThis.crypto.subtle;
const hex = (b: ArrayBuffer): string => Buffer.from(b).toString('hex');

function parsed(der: Uint8Array): ParsedCertificate {
  const r = parseCertificate(der);
  if (isParseError(r)) throw new Error(r.error.message);
  return r;
}

describe('parseCertificate', () => {
  describe('when given a well-formed leaf', () => {
    it('exposes names, serial, validity, fingerprints and extensions', async () => {
      const root = await makeRoot('Root CA');
      const leaf = await makeLeaf('Signer, Inc.', root, {
        serial: 0x1234,
        notBefore: new Date('2024-02-03T04:05:06Z'),
        extensions: [
          ext.keyUsage('digitalSignature'),
          ext.extKeyUsage(CODE_SIGNING),
          ext.sanDns('example.com'),
        ],
      });
      const cert = parsed(leaf.der);
      expect(cert.subject).toBe('CN=Signer\\, Inc.');
      expect(cert.issuer).toBe('CN=Root CA');
      expect(cert.serialHex).toBe('1234');
      expect(cert.notBefore.toISOString()).toBe('2024-02-03T04:05:06.000Z');
      expect(cert.sha256Hex).toBe(hex(await subtle.digest('SHA-256', new Uint8Array(leaf.der))));
      expect(cert.spkiSha256Hex).toBe(hex(await subtle.digest('SHA-256', new Uint8Array(cert.spki))));
      expect(cert.extensions.extKeyUsage).toEqual([CODE_SIGNING]);
      expect([...(cert.extensions.keyUsage ?? [])]).toEqual(['digitalSignature']);
      expect(cert.extensions.subjectAltName).toEqual([{ kind: 'dns', value: 'example.com' }]);
      expect(cert.unknownCriticalExtensions).toEqual([]);
      expect(cert.selfIssued).toBe(false);
    });
  });

  describe('when names differ only in case and spacing', () => {
    it('gives them the same canonical form', async () => {
      const a = parsed((await makeRoot('Example  Root')).der);
      const b = parsed((await makeRoot(' example root ')).der);
      expect(a.subjectCanonical).toBe(b.subjectCanonical);
      expect(a.subject).not.toBe(b.subject);
    });
  });

  describe('when an extension appears twice', () => {
    it('returns DUPLICATE_EXTENSION', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, {
        extensions: [ext.extKeyUsage(CODE_SIGNING), ext.extKeyUsage(CODE_SIGNING)],
      });
      const r = parseCertificate(leaf.der);
      expect(isParseError(r) && r.error.code).toBe('DUPLICATE_EXTENSION');
    });
  });

  describe('when the encoding is BER rather than DER', () => {
    it('returns CERT_MALFORMED for a long-form length that fits in short form', async () => {
      const root = await makeRoot();
      const der = root.der;
      // Re-encode the outer SEQUENCE length with one extra length octet (non-minimal).
      const body = der.subarray(der[1] === 0x82 ? 4 : 3);
      const ber = concat(new Uint8Array([0x30, 0x83, 0x00, body.length >> 8, body.length & 0xff]), body);
      const r = parseCertificate(ber);
      expect(isParseError(r) && r.error.code).toBe('CERT_MALFORMED');
    });
    it('returns CERT_MALFORMED for trailing bytes', async () => {
      const root = await makeRoot();
      const r = parseCertificate(concat(root.der, new Uint8Array([0])));
      expect(isParseError(r) && r.error.code).toBe('CERT_MALFORMED');
    });
  });

  describe('when the serial number is zero', () => {
    it('is malformed, unless the certificate is a configured trust anchor', async () => {
      const root = await makeCert({ cn: 'Zero', serial: 0, extensions: [ext.basicConstraints(true)] });
      const r = parseCertificate(root.der);
      expect(isParseError(r) && r.error.code).toBe('CERT_MALFORMED');
      expect(isParseError(parseCertificate(root.der, { trustAnchor: true }))).toBe(false);
    });
  });

  describe('when a certificate carries an unknown critical extension', () => {
    it('parses and lists its OID', async () => {
      const root = await makeRoot('Root', { extensions: [ext.basicConstraints(true), ext.unknown(true)] });
      expect(parsed(root.der).unknownCriticalExtensions).toEqual(['1.3.6.1.4.1.55738.666.1']);
    });
  });

  describe('when keyCertSign is asserted without basicConstraints cA', () => {
    it('parses, listing the profile problem for path validation to report', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, { extensions: [ext.keyUsage('keyCertSign')] });
      expect(parsed(leaf.der).profileProblems).toEqual(['keyCertSign asserted without basicConstraints cA']);
    });
  });
});
