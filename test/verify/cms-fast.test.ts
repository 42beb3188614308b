import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import {
  type CmsSigner,
  DEFAULT_ENVELOPE_LIMITS,
  parseCmsEnvelope,
  readContentTypeAttribute,
  readMessageDigest,
} from '../../src/verify/cms-envelope';
import { readCmsEnvelope, readCmsEnvelopeFast } from '../../src/verify/cms-fast';
import { cmsCases, readFixture } from '../helpers/cms-fixtures';

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';

const signatures = [...new Set(cmsCases.map((c) => c.signature))].map((file) => ({
  file,
  bytes: readFixture(file),
}));

/** A small deterministic generator, so a failure names the mutation that caused it. */
function* mutations(bytes: Uint8Array, count: number): Generator<{ what: string; bytes: Uint8Array }> {
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  for (let n = 0; n < count; n++) {
    const copy = new Uint8Array(bytes);
    const at = Math.floor(next() * copy.length);
    const kind = Math.floor(next() * 3);
    if (kind === 0) {
      copy[at] = (copy[at] as number) ^ (1 << Math.floor(next() * 8));
      yield { what: `bit flip at ${at}`, bytes: copy };
    } else if (kind === 1) {
      yield { what: `truncated at ${at}`, bytes: copy.subarray(0, at) };
    } else {
      copy[at] = Math.floor(next() * 256);
      yield { what: `byte ${at} replaced`, bytes: copy };
    }
  }
}

describe('the fast CMS reader', () => {
  describe('on every signature fixture', () => {
    it.each(signatures)('$file reads to exactly what parseCmsEnvelope reads', ({ bytes }) => {
      expect(readCmsEnvelope(bytes)).toEqual(parseCmsEnvelope(bytes));
    });

    it('answers itself (does not fall back) for the trusted DER fixtures', () => {
      const trusted = new Set(
        cmsCases.filter((c) => c.expectedVerdict === 'trusted').map((c) => c.signature),
      );
      const der = signatures.filter((s) => s.file.endsWith('.der') && trusted.has(s.file));
      expect(der.length).toBeGreaterThan(10);
      for (const { bytes } of der) expect(readCmsEnvelopeFast(bytes, DEFAULT_ENVELOPE_LIMITS)).not.toBeNull();
    });
  });

  describe('on mutated and truncated signatures', () => {
    it('either declines or answers what parseCmsEnvelope answers', { timeout: 120_000 }, () => {
      let answered = 0;
      for (const { bytes } of signatures.filter((s) => s.file.endsWith('.der')).slice(0, 6)) {
        for (const m of mutations(bytes, 60)) {
          const fast = readCmsEnvelopeFast(m.bytes, DEFAULT_ENVELOPE_LIMITS);
          if (!fast) continue;
          let slow: ReturnType<typeof parseCmsEnvelope>;
          try {
            slow = parseCmsEnvelope(m.bytes);
          } catch {
            // asn1js throws on some inputs (a malformed time inside a BIT STRING); the fast path does not.
            continue;
          }
          answered++;
          expect({ what: m.what, result: { ok: true, envelope: fast } }).toEqual({
            what: m.what,
            result: slow,
          });
        }
      }
      // Flips inside certificates and signatures keep the structure: the fast path answers those.
      expect(answered).toBeGreaterThan(50);
    });
  });

  describe('within the limits', () => {
    it('leaves an envelope over the certificate limit to parseCmsEnvelope, which refuses it', () => {
      const { bytes } = signatures.find((s) =>
        s.file.includes('two-intermediates'),
      ) as (typeof signatures)[number];
      const limits = { ...DEFAULT_ENVELOPE_LIMITS, maxCertificates: 1 };
      expect(readCmsEnvelopeFast(bytes, limits)).toBeNull();
      expect(readCmsEnvelope(bytes, limits)).toMatchObject({ ok: false, code: 'CERTIFICATES_LIMIT' });
    });
  });
});

describe('the fast CMS reader on odd-length wide strings', () => {
  /** The fixture with an unsigned attribute whose one value is `value` (raw TLV bytes). */
  function withUnsignedValue(signature: Uint8Array, value: Uint8Array): Uint8Array {
    const contentInfo = asn1js.fromBER(signature).result as asn1js.Sequence;
    const signedData = (contentInfo.valueBlock.value[1] as asn1js.Constructed).valueBlock
      .value[0] as asn1js.Sequence;
    const signerInfos = signedData.valueBlock.value[signedData.valueBlock.value.length - 1] as asn1js.Set;
    const signerInfo = signerInfos.valueBlock.value[0] as asn1js.Sequence;
    const attribute = new asn1js.Sequence({
      value: [
        new asn1js.ObjectIdentifier({ value: '1.3.6.1.4.1.55555.9' }),
        new asn1js.Set({ value: [asn1js.fromBER(value).result] }),
      ],
    });
    signerInfo.valueBlock.value.push(
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [attribute] }),
    );
    return new Uint8Array(contentInfo.toBER());
  }

  describe('when an unsigned attribute holds a BMPString of odd length or a UniversalString not in fours', () => {
    it('answers what the strict reader answers (regression: it read them where the strict reader refuses)', () => {
      const base = readFixture(
        cmsCases.find((c) => c.name === 'rsa2048-sha256-detached-der-trusted')?.signature ?? '',
      );
      for (const value of [
        Uint8Array.of(0x1e, 0x03, 0x00, 0x41, 0x42),
        Uint8Array.of(0x1c, 0x02, 0x00, 0x41),
      ]) {
        const bytes = withUnsignedValue(base, value);
        expect(readCmsEnvelope(bytes)).toEqual(parseCmsEnvelope(bytes));
      }
    });
  });
});

describe('the messageDigest and contentType reads', () => {
  /** What the reads answered when asn1js read every value (the strict reader must answer the same). */
  function referenceDigest(value: Uint8Array): Uint8Array | null | 'throws' {
    try {
      const asn = asn1js.fromBER(value);
      if (asn.offset !== value.byteLength || !(asn.result instanceof asn1js.OctetString)) return null;
      if (asn.result.idBlock.isConstructed) return null;
      return new Uint8Array(asn.result.valueBlock.valueHexView);
    } catch {
      return 'throws';
    }
  }
  function referenceContentType(value: Uint8Array): string | null | 'throws' {
    try {
      const asn = asn1js.fromBER(value);
      if (asn.offset !== value.byteLength || !(asn.result instanceof asn1js.ObjectIdentifier)) return null;
      return asn.result.valueBlock.toString();
    } catch {
      return 'throws';
    }
  }
  const withValue = (signer: CmsSigner, oid: string, value: Uint8Array): CmsSigner => ({
    ...signer,
    signedAttributeValues: new Map([...signer.signedAttributeValues, [oid, [[value]]]]),
  });

  it('answer what asn1js answers on mutated, BER and odd values', () => {
    const parsed = readCmsEnvelope(signatures[0]?.bytes ?? new Uint8Array());
    if (!parsed.ok) throw new Error('fixture unreadable');
    const signer = parsed.envelope.signers[0] as CmsSigner;
    const digest = signer.signedAttributeValues.get(OID_MESSAGE_DIGEST)?.[0]?.[0] as Uint8Array;
    const contentType = signer.signedAttributeValues.get(OID_CONTENT_TYPE)?.[0]?.[0] as Uint8Array;
    const extra = [
      Uint8Array.of(0x04, 0x81, 0x02, 0x01, 0x02), // non-minimal length
      Uint8Array.of(0x24, 0x04, 0x04, 0x02, 0x01, 0x02), // constructed OCTET STRING
      Uint8Array.of(0x04, 0x00),
      Uint8Array.of(0x04, 0x02, 0x01, 0x02, 0x00), // trailing byte
      Uint8Array.of(0x84, 0x01, 0x01), // [4] primitive
      Uint8Array.of(0x06, 0x00), // empty OID
      Uint8Array.of(0x06, 0x03, 0x2a, 0x80, 0x01), // non-minimal arc
      Uint8Array.of(0x06, 0x02, 0x2a, 0x86), // truncated arc
      Uint8Array.of(0x06, 0x02, 0x81, 0x34), // first arc over 80
      Uint8Array.of(0x06, 0x09, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), // a huge arc
      Uint8Array.of(0x26, 0x03, 0x06, 0x01, 0x2a), // constructed OID
      Uint8Array.of(0x05, 0x00),
    ];
    const values = [
      digest,
      contentType,
      ...extra,
      ...[...mutations(digest, 300)].map((m) => m.bytes),
      ...[...mutations(contentType, 300)].map((m) => m.bytes),
    ];
    for (const value of values) {
      // Never a throw (asn1js.fromBER throws on some malformed values; that was a fault, a 500).
      expect(() => readContentTypeAttribute(withValue(signer, OID_CONTENT_TYPE, value))).not.toThrow();
      expect(() => readMessageDigest(withValue(signer, OID_MESSAGE_DIGEST, value))).not.toThrow();
      const d = referenceDigest(value);
      if (d !== 'throws') expect(readMessageDigest(withValue(signer, OID_MESSAGE_DIGEST, value))).toEqual(d);
      const c = referenceContentType(value);
      if (c !== 'throws')
        expect(readContentTypeAttribute(withValue(signer, OID_CONTENT_TYPE, value))).toEqual(c);
    }
  });
});

describe('the remembered envelopes', () => {
  it('are what a first read gives, for the same bytes and limits only', () => {
    const { bytes } = signatures.find((s) =>
      s.file.includes('two-intermediates'),
    ) as (typeof signatures)[number];
    const first = readCmsEnvelope(new Uint8Array(bytes));
    expect(readCmsEnvelope(new Uint8Array(bytes))).toEqual(first);
    expect(first).toEqual(parseCmsEnvelope(bytes));
    // Other limits are another entry: the same bytes over the certificate limit are refused.
    expect(readCmsEnvelope(bytes, { ...DEFAULT_ENVELOPE_LIMITS, maxCertificates: 1 })).toMatchObject({
      ok: false,
      code: 'CERTIFICATES_LIMIT',
    });
    // A changed copy of remembered bytes is read afresh, never served the remembered envelope.
    const last = bytes.length - 1;
    const changed = new Uint8Array(bytes);
    changed[last] = (changed[last] as number) ^ 1;
    expect(readCmsEnvelope(changed)).toEqual(parseCmsEnvelope(changed));
    expect(readCmsEnvelope(changed)).not.toEqual(first);
  });

  it('do not share bytes with the input they were read from (a caller reusing its buffer changes nothing)', () => {
    const { bytes } = signatures.find((s) =>
      s.file.includes('two-intermediates'),
    ) as (typeof signatures)[number];
    // Bytes no other test has read, so that this read is the one remembered.
    const input = new Uint8Array(bytes.length + 1);
    input.set(bytes);
    const view = input.subarray(0, bytes.length);
    const fresh = parseCmsEnvelope(new Uint8Array(bytes));
    const kept = readCmsEnvelope(view, { ...DEFAULT_ENVELOPE_LIMITS, maxSigners: 7 });
    expect(kept).toEqual(fresh);
    input.fill(0x5a); // the caller reuses its buffer
    expect(readCmsEnvelope(new Uint8Array(bytes), { ...DEFAULT_ENVELOPE_LIMITS, maxSigners: 7 })).toEqual(
      fresh,
    );
  });

  it('are frozen, so no caller can change what the next request reads', () => {
    const { bytes } = signatures[0] as (typeof signatures)[number];
    const parsed = readCmsEnvelope(bytes);
    if (!parsed.ok) throw new Error('fixture unreadable');
    expect(Object.isFrozen(parsed.envelope)).toBe(true);
    expect(Object.isFrozen(parsed.envelope.certificates)).toBe(true);
    expect(Object.isFrozen(parsed.envelope.signers[0])).toBe(true);
  });
});
