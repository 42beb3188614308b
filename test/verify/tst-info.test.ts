import { describe, expect, it } from 'vitest';
import { readCmsEnvelope } from '../../src/verify/cms-envelope';
import { DerError } from '../../src/verify/der';
import { parseTstInfo } from '../../src/verify/tst-info';
import { at, decodeTree, encodeTree, type TreeNode } from '../helpers/der-tree';
import { readTimestampFixture } from '../helpers/timestamp-fixtures';

const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

/** The TSTInfo of the fixture's timestamp token, as DER. */
function fixtureTstInfo(): Uint8Array {
  const signature = readTimestampFixture('cases/expired-signer-timestamped-trusted/signature.der');
  const parsed = readCmsEnvelope(signature);
  const token = parsed.ok
    ? parsed.envelope.signers[0]?.unsignedAttributeValues.get(OID_TIMESTAMP_TOKEN)?.[0]?.[0]
    : null;
  const inner = token
    ? readCmsEnvelope(token, { maxSignatureBytes: 65536, maxCertificates: 8, maxSigners: 1 })
    : null;
  if (!inner?.ok || !inner.envelope.content) throw new Error('fixture token unreadable');
  return inner.envelope.content;
}

/** The fixture's TSTInfo with its optional fields after genTime replaced by `tail`. */
function withTail(tail: TreeNode[]): Uint8Array {
  const root = decodeTree(fixtureTstInfo());
  root.children = [...(root.children ?? []).slice(0, 5), ...tail];
  return encodeTree(root);
}

const int = (...bytes: number[]): TreeNode => ({ tag: 0x02, value: Uint8Array.from(bytes) });
const accuracy = (...fields: TreeNode[]): TreeNode => ({ tag: 0x30, children: fields });

describe('parseTstInfo', () => {
  describe('when the fixture token is read', () => {
    it('gives its genTime and policy', () => {
      const tst = parseTstInfo(fixtureTstInfo());
      expect(tst.genTime.toISOString()).toBe('2020-06-01T12:00:05.000Z');
      expect(tst.imprint).toHaveLength(32);
    });
  });

  describe('when the accuracy is stated', () => {
    it('reads seconds, millis and micros (micros round up to a millisecond)', () => {
      const tst = parseTstInfo(
        withTail([
          accuracy(
            int(0x02),
            { tag: 0x80, value: Uint8Array.of(0x05) },
            { tag: 0x81, value: Uint8Array.of(0x07) },
          ),
        ]),
      );
      expect(tst.accuracyMs).toBe(2006);
    });

    it('reads 2^23 seconds as 2^23 seconds (pkijs read it as 0)', () => {
      expect(parseTstInfo(withTail([accuracy(int(0x00, 0x80, 0x00, 0x00))])).accuracyMs).toBe(2 ** 23 * 1000);
    });

    it('refuses a negative accuracy', () => {
      expect(() => parseTstInfo(withTail([accuracy(int(0xff))]))).toThrow(DerError);
    });

    it('refuses millis of 0 or over 999', () => {
      expect(() => parseTstInfo(withTail([accuracy({ tag: 0x80, value: Uint8Array.of(0x00) })]))).toThrow(
        DerError,
      );
      expect(() =>
        parseTstInfo(withTail([accuracy({ tag: 0x80, value: Uint8Array.of(0x03, 0xe8) })])),
      ).toThrow(DerError);
    });

    it('refuses an accuracy of more than a billion seconds', () => {
      expect(() => parseTstInfo(withTail([accuracy(int(0x7f, 0xff, 0xff, 0xff, 0xff))]))).toThrow(DerError);
    });
  });

  describe('when genTime has a fraction', () => {
    const withGenTime = (text: string) => {
      const root = decodeTree(fixtureTstInfo());
      at(root, 4).value = new TextEncoder().encode(text);
      return encodeTree(root);
    };

    it('reads milliseconds, and counts finer digits as a millisecond more accuracy', () => {
      expect(parseTstInfo(withGenTime('20200601120005.25Z')).genTime.toISOString()).toBe(
        '2020-06-01T12:00:05.250Z',
      );
      const fine = parseTstInfo(withGenTime('20200601120005.0001Z'));
      expect(fine.genTime.toISOString()).toBe('2020-06-01T12:00:05.000Z');
      expect(fine.accuracyMs).toBe(parseTstInfo(fixtureTstInfo()).accuracyMs + 1);
    });

    it('refuses trailing zeros, a bare dot, a local time and a missing Z (RFC 3161 2.4.2)', () => {
      for (const text of [
        '20200601120005.50Z',
        '20200601120005.Z',
        '20200601120005',
        '202006011200Z',
        '20200631120005Z',
      ])
        expect(() => parseTstInfo(withGenTime(text)), text).toThrow(DerError);
    });
  });

  describe('when the version is not 1 or a field is out of place', () => {
    it('is refused', () => {
      const v2 = decodeTree(fixtureTstInfo());
      at(v2, 0).value = Uint8Array.of(2);
      expect(() => parseTstInfo(encodeTree(v2))).toThrow(DerError);
      // ordering FALSE spelled out is not DER
      expect(() => parseTstInfo(withTail([{ tag: 0x01, value: Uint8Array.of(0x00) }]))).toThrow(DerError);
      // a field after the extensions
      expect(() => parseTstInfo(withTail([int(1), { tag: 0x05, value: new Uint8Array() }]))).toThrow(
        DerError,
      );
    });
  });
});
