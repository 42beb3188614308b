import { beforeAll, describe, expect, it } from 'vitest';
import { type VerifyOutcome, verifyPackage } from '../../src/verify';
import { readCmsEnvelope } from '../../src/verify/cms-envelope';
import { signerTimestamp } from '../../src/verify/timestamp';
import { signDetached } from '../helpers/cms-builder';
import {
  attribute,
  countersignature,
  OID_COUNTERSIGNATURE,
  OID_MS_TIMESTAMP_TOKEN,
  OID_TIMESTAMP_TOKEN,
  TIME_STAMPING,
  timestampToken,
} from '../helpers/timestamp-builder';
import {
  CODE_SIGNING,
  ext,
  type Issued,
  integer,
  makeCert,
  makeLeaf,
  makeRoot,
  seq,
} from './path/cert-factory';

/**
 * Issue 17, item 2: Microsoft's RFC 3161 attribute and legacy PKCS#9 countersignatures, each as a
 * signature's timestamp, with a PKI made in-process. The signer expired on 2025-01-01; it signed and was
 * stamped on 2024-06-01; the verification clock is 2026-01-01, so only a trusted timestamp can make the
 * signature trusted.
 */

const NOW = new Date('2026-01-01T00:00:00Z');
const STAMPED = new Date('2024-06-01T12:00:00Z');
const content = new TextEncoder().encode('vendor installer 4.5.6');
const subtle = globalThis.crypto.subtle;

let vendorRoot: Issued;
let expiredSigner: Issued;
let currentSigner: Issued;
let tsaRoot: Issued;
let tsa: Issued;
let vendorRootedTsa: Issued;

const EXPIRED_SERIAL = 11;
const CURRENT_SERIAL = 12;
const TSA_SERIAL = 21;
const tsaExtensions = () => [
  ext.keyUsage('digitalSignature'),
  { ...ext.extKeyUsage(TIME_STAMPING), critical: true },
];

beforeAll(async () => {
  vendorRoot = await makeRoot('Vendor Root');
  expiredSigner = await makeLeaf('Expired Signer', vendorRoot, {
    serial: EXPIRED_SERIAL,
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2025-01-01T00:00:00Z'),
  });
  currentSigner = await makeLeaf('Current Signer', vendorRoot, { serial: CURRENT_SERIAL });
  tsaRoot = await makeRoot('TSA Root');
  tsa = await makeCert({
    cn: 'Legacy TSA',
    issuer: tsaRoot,
    serial: TSA_SERIAL,
    extensions: tsaExtensions(),
  });
  vendorRootedTsa = await makeCert({
    cn: 'Vendor-rooted TSA',
    issuer: vendorRoot,
    serial: TSA_SERIAL,
    extensions: tsaExtensions(),
  });
});

type Unsigned = (signatureValue: Uint8Array) => Uint8Array[] | Promise<Uint8Array[]>;

function sign(unsigned: Unsigned, opts: { current?: boolean; bag?: Uint8Array[] } = {}) {
  const signer = opts.current ? currentSigner : expiredSigner;
  return signDetached({
    content,
    signer,
    issuerCn: vendorRoot.cn,
    serial: opts.current ? CURRENT_SERIAL : EXPIRED_SERIAL,
    certificates: [signer.der, ...(opts.bag ?? [tsa.der])],
    unsignedAttributes: unsigned,
  });
}

const legacy =
  (options: Partial<Parameters<typeof countersignature>[0]> = {}): Unsigned =>
  async (signatureValue) => [
    attribute(
      OID_COUNTERSIGNATURE,
      await countersignature({
        tsa,
        issuerCn: tsaRoot.cn,
        serial: TSA_SERIAL,
        signatureValue,
        time: STAMPED,
        ...options,
      }),
    ),
  ];

const token =
  (oid: string, options: Partial<Parameters<typeof timestampToken>[0]> = {}): Unsigned =>
  async (signatureValue) => [
    attribute(
      oid,
      await timestampToken({
        tsa,
        issuerCn: tsaRoot.cn,
        serial: TSA_SERIAL,
        signatureValue,
        time: STAMPED,
        certificates: [tsa.der],
        ...options,
      }),
    ),
  ];

const both =
  (...parts: Unsigned[]): Unsigned =>
  async (signatureValue) =>
    (await Promise.all(parts.map((p) => p(signatureValue)))).flat();

async function verify(signature: Uint8Array, now = NOW): Promise<VerifyOutcome & { codes: string[] }> {
  const result = await verifyPackage({
    signature,
    artifact: { kind: 'bytes', bytes: content },
    anchors: [{ id: 'vendor', der: vendorRoot.der }],
    tsaAnchors: [{ id: 'tsa', der: tsaRoot.der }],
    time: now,
    revocation: 'best-effort',
    subtle,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return { ...result.outcome, codes: result.outcome.reasons.map((r) => r.code) };
}

function envelopeOf(signature: Uint8Array) {
  const read = readCmsEnvelope(signature);
  if (!read.ok) throw new Error(read.detail);
  return read.envelope;
}

/** signerTimestamp on its own, with or without the outer envelope's certificates. */
async function stampOf(signature: Uint8Array, withCertificates = true) {
  const envelope = envelopeOf(signature);
  const signer = envelope.signers[0];
  if (!signer) throw new Error('no signer');
  return signerTimestamp(
    signer,
    [{ id: 'tsa', der: tsaRoot.der }],
    NOW,
    subtle,
    withCertificates ? envelope.certificates : undefined,
  );
}

describe('timestamps of issue 17', () => {
  describe('without any timestamp', () => {
    it('rejects the expired signer with CERT_EXPIRED (the baseline the timestamps change)', async () => {
      const outcome = await verify(await sign(() => []));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('CERT_EXPIRED');
    });
  });

  describe("when the signer carries an RFC 3161 token as Microsoft's attribute 1.3.6.1.4.1.311.3.3.1", () => {
    it('trusts the expired signer, as with id-aa-signatureTimeStampToken', async () => {
      for (const oid of [OID_MS_TIMESTAMP_TOKEN, OID_TIMESTAMP_TOKEN]) {
        const signature = await sign(token(oid));
        const outcome = await verify(signature);
        expect(outcome).toMatchObject({ verdict: 'trusted', reasons: [] });
        const stamp = await stampOf(signature);
        expect(stamp.kind === 'valid' && stamp.timestamp.kind).toBe('rfc3161');
        expect(stamp.kind === 'valid' && stamp.timestamp.time.toISOString()).toBe(STAMPED.toISOString());
      }
    });
    it('rejects a token over another signature value with TIMESTAMP_IMPRINT_MISMATCH', async () => {
      const outcome = await verify(
        await sign(async () => token(OID_MS_TIMESTAMP_TOKEN)(new Uint8Array([1, 2, 3]))),
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_IMPRINT_MISMATCH');
    });
    it('rejects a token by a TSA whose root is not a TSA anchor with TIMESTAMP_UNTRUSTED', async () => {
      const outcome = await verify(
        await sign(
          token(OID_MS_TIMESTAMP_TOKEN, {
            tsa: vendorRootedTsa,
            issuerCn: vendorRoot.cn,
            certificates: [vendorRootedTsa.der],
          }),
        ),
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_UNTRUSTED');
    });
    it('cannot read a signature whose Microsoft token is not a TimeStampToken (as for the RFC 3161 attribute)', async () => {
      const signature = await sign(() => [attribute(OID_MS_TIMESTAMP_TOKEN, seq(integer(1)))]);
      const result = await verifyPackage({
        signature,
        artifact: { kind: 'bytes', bytes: content },
        anchors: [{ id: 'vendor', der: vendorRoot.der }],
        time: NOW,
        subtle,
      });
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when the signer carries a valid PKCS#9 countersignature', () => {
    it('trusts the expired signer: the chain is validated at the signingTime', async () => {
      const outcome = await verify(await sign(legacy()));
      expect(outcome).toMatchObject({ verdict: 'trusted', reasons: [] });
    });
    it('reports kind pkcs9-countersignature, its signingTime, no accuracy and the TSA', async () => {
      const stamp = await stampOf(await sign(legacy()));
      expect(stamp.kind).toBe('valid');
      if (stamp.kind !== 'valid') return;
      expect(stamp.timestamp).toMatchObject({ kind: 'pkcs9-countersignature', accuracyMs: 0 });
      expect(stamp.timestamp.time.toISOString()).toBe(STAMPED.toISOString());
      expect(stamp.timestamp.tsa.subject).toContain('Legacy TSA');
    });
    it('accepts one without the contentType attribute (RFC 5652 §11.4 leaves it out)', async () => {
      const outcome = await verify(await sign(legacy({ contentType: null })));
      expect(outcome.verdict).toBe('trusted');
    });
    it('still checks the timestamp against the signer validity: a stamp after expiry is TIMESTAMP_OUTSIDE_VALIDITY', async () => {
      const outcome = await verify(await sign(legacy({ time: new Date('2025-06-01T00:00:00Z') })));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_OUTSIDE_VALIDITY');
    });
  });

  describe('when a countersignature is replayed from another signature', () => {
    it('rejects it with TIMESTAMP_IMPRINT_MISMATCH: its messageDigest covers the other signature value', async () => {
      const other = envelopeOf(await sign(() => [], { current: true })).signers[0]?.signature as Uint8Array;
      const replayed = await sign(async () => legacy()(other));
      const outcome = await verify(replayed);
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_IMPRINT_MISMATCH');
      expect(outcome.codes).not.toContain('TIMESTAMP_OUTSIDE_VALIDITY');
    });
  });

  describe("when the countersignature's certificate is not in the signature's certificates", () => {
    it('rejects with TIMESTAMP_INVALID', async () => {
      const outcome = await verify(await sign(legacy(), { bag: [] }));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_INVALID');
    });
    it('is not found either when signerTimestamp is not given the outer certificates', async () => {
      const stamp = await stampOf(await sign(legacy()), false);
      expect(stamp.kind === 'invalid' && stamp.reason.code).toBe('TIMESTAMP_INVALID');
    });
  });

  describe('when the countersignature signer chains to a root that is not a TSA anchor', () => {
    it('rejects with TIMESTAMP_UNTRUSTED (a vendor root vouches for code, not for time)', async () => {
      const outcome = await verify(
        await sign(legacy({ tsa: vendorRootedTsa, issuerCn: vendorRoot.cn }), { bag: [vendorRootedTsa.der] }),
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_UNTRUSTED');
    });
  });

  describe('when the signer countersigns itself with its code-signing key', () => {
    it('rejects with TIMESTAMP_UNTRUSTED: its certificate has no timeStamping EKU', async () => {
      const outcome = await verify(
        await sign(legacy({ tsa: expiredSigner, issuerCn: vendorRoot.cn, serial: EXPIRED_SERIAL }), {
          bag: [],
        }),
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_UNTRUSTED');
      expect(outcome.reasons.find((r) => r.code === 'TIMESTAMP_UNTRUSTED')?.message).toContain(
        'timeStamping',
      );
    });
    it('also when the self-made TSA certificate carries codeSigning beside timeStamping', async () => {
      const dual = await makeCert({
        cn: 'Dual-use TSA',
        issuer: tsaRoot,
        serial: 31,
        extensions: [
          ext.keyUsage('digitalSignature'),
          { ...ext.extKeyUsage(TIME_STAMPING, CODE_SIGNING), critical: true },
        ],
      });
      const outcome = await verify(
        await sign(legacy({ tsa: dual, issuerCn: tsaRoot.cn, serial: 31 }), { bag: [dual.der] }),
      );
      expect(outcome.codes).toContain('TIMESTAMP_UNTRUSTED');
    });
  });

  describe('when the countersignature uses SHA-1', () => {
    it('refuses it with WEAK_DIGEST_ALGORITHM naming the countersignature, and the signature is not trusted', async () => {
      const outcome = await verify(await sign(legacy({ sha1: true })));
      expect(outcome.verdict).toBe('rejected');
      const weak = outcome.reasons.find((r) => r.code === 'WEAK_DIGEST_ALGORITHM');
      expect(weak?.message).toMatch(/countersignature.*SHA-1/);
    });
    it('does not let a signer valid now be trusted with it either', async () => {
      const outcome = await verify(await sign(legacy({ sha1: true }), { current: true }));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toEqual(['WEAK_DIGEST_ALGORITHM']);
    });
  });

  describe('when the countersignature has no signingTime', () => {
    it('rejects with TIMESTAMP_INVALID: it states no time', async () => {
      const outcome = await verify(await sign(legacy({ time: null })));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_INVALID');
      expect(outcome.reasons.find((r) => r.code === 'TIMESTAMP_INVALID')?.message).toContain('signingTime');
    });
  });

  describe('when the countersignature is otherwise wrong', () => {
    it('rejects a contentType other than id-data with TIMESTAMP_INVALID', async () => {
      const outcome = await verify(await sign(legacy({ contentType: '1.2.840.113549.1.9.16.1.4' })));
      expect(outcome.codes).toContain('TIMESTAMP_INVALID');
    });
    it('rejects a signingTime after the verification clock with TIMESTAMP_INVALID', async () => {
      const outcome = await verify(
        await sign(legacy({ time: new Date('2026-06-01T00:00:00Z') }), { current: true }),
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_INVALID');
    });
    it('rejects one whose signature does not verify (signed by another key) with TIMESTAMP_INVALID', async () => {
      const impostor = await makeCert({
        cn: 'Legacy TSA',
        issuer: tsaRoot,
        serial: TSA_SERIAL,
        extensions: tsaExtensions(),
      });
      // The countersignature is made with the impostor's key; the bag holds the real TSA certificate.
      const outcome = await verify(await sign(legacy({ tsa: impostor })));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('TIMESTAMP_INVALID');
    });
    it('cannot read a signature whose countersignature is not a SignerInfo', async () => {
      const signature = await sign(() => [attribute(OID_COUNTERSIGNATURE, seq(integer(1)))]);
      expect(readCmsEnvelope(signature)).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when the signer carries two timestamps', () => {
    const cases: Array<[string, () => Unsigned]> = [
      ['a countersignature and a Microsoft token', () => both(legacy(), token(OID_MS_TIMESTAMP_TOKEN))],
      [
        'an RFC 3161 token and a Microsoft token',
        () => both(token(OID_TIMESTAMP_TOKEN), token(OID_MS_TIMESTAMP_TOKEN)),
      ],
      ['two countersignatures', () => both(legacy(), legacy())],
    ];
    for (const [what, make] of cases) {
      it(`rejects ${what} with TIMESTAMP_INVALID, though each is valid`, async () => {
        const outcome = await verify(await sign(make()));
        expect(outcome.verdict).toBe('rejected');
        expect(outcome.codes).toContain('TIMESTAMP_INVALID');
      });
    }
    it('rejects two countersignatures as two values of one attribute with TIMESTAMP_INVALID', async () => {
      const twoValues: Unsigned = async (signatureValue) => {
        const one = await countersignature({
          tsa,
          issuerCn: tsaRoot.cn,
          serial: TSA_SERIAL,
          signatureValue,
          time: STAMPED,
        });
        const two = await countersignature({
          tsa,
          issuerCn: tsaRoot.cn,
          serial: TSA_SERIAL,
          signatureValue,
          time: STAMPED,
        });
        return [attribute(OID_COUNTERSIGNATURE, one, two)];
      };
      const outcome = await verify(await sign(twoValues));
      expect(outcome.codes).toContain('TIMESTAMP_INVALID');
    });
  });
});
