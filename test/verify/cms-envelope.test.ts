import { describe, expect, it } from 'vitest';
import {
  type CmsSigner,
  DEFAULT_ENVELOPE_LIMITS,
  parseCmsEnvelope,
  readCmsEnvelope,
  readContentTypeAttribute,
  readMessageDigest,
} from '../../src/verify/cms-envelope';
import { verifyPackage } from '../../src/verify/verify-package';
import { cmsCase, cmsCases, fixtureRoots, readFixture } from '../helpers/cms-fixtures';
import {
  at,
  concatBytes,
  decodeTree,
  encodeTree,
  field,
  octets,
  signedDataOf,
  signerInfoOf,
  type TreeNode,
} from '../helpers/der-tree';
import { readTimestampFixture } from '../helpers/timestamp-fixtures';

const subtle = globalThis.crypto.subtle;
const TIME = new Date('2026-06-01T00:00:00Z');
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';

const detached = cmsCase('rsa2048-sha256-detached-der-trusted');
const attached = cmsCase('rsa2048-sha256-attached-der-trusted');
const artifact = readFixture(detached.artifact);
const anchors = fixtureRoots('acme').map((der, i) => ({ id: String(i), der }));

const verify = (signature: Uint8Array, withArtifact = true) =>
  verifyPackage({
    signature,
    artifact: withArtifact ? { kind: 'bytes', bytes: artifact } : { kind: 'none' },
    anchors,
    time: TIME,
    subtle,
  });

/** The fixture as a tree, changed by `edit`, encoded again. */
function variant(file: string, edit: (root: TreeNode) => void): Uint8Array {
  const root = decodeTree(readFixture(file));
  edit(root);
  return encodeTree(root);
}

const unsignedAttributes = (root: TreeNode): TreeNode => {
  const info = signerInfoOf(root);
  let set = info.children?.find((c) => c.tag === 0xa1);
  if (!set) {
    set = { tag: 0xa1, children: [] };
    info.children?.push(set);
  }
  return set;
};

const attribute = (oidDer: Uint8Array, value: TreeNode): TreeNode => ({
  tag: 0x30,
  children: [
    { tag: 0x06, value: oidDer },
    { tag: 0x31, children: [value] },
  ],
});

const contains = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1;

describe('readCmsEnvelope (the strict CMS reader)', () => {
  describe('when the signature fixtures are read', () => {
    it('reads every one, and keeps each certificate as the exact bytes received', () => {
      for (const c of cmsCases.filter((k) => k.signatureFormat === 'der')) {
        const bytes = readFixture(c.signature);
        const parsed = readCmsEnvelope(bytes);
        expect(parsed.ok, c.name).toBe(true);
        if (!parsed.ok) continue;
        for (const certificate of parsed.envelope.certificates)
          expect(contains(bytes, certificate)).toBe(true);
      }
    });
  });

  describe('when the outer structures use indefinite lengths, as streaming signers write them', () => {
    it('reads the same envelope as the DER original, and the signature is trusted', async () => {
      const ber = variant(attached.signature, (root) => {
        root.indefinite = true;
        at(root, 1).indefinite = true;
        const sd = signedDataOf(root);
        sd.indefinite = true;
        for (const c of sd.children ?? []) if (c.tag !== 0x02) c.indefinite = true;
        at(field(sd, 0x30), 1).indefinite = true;
      });
      const original = readCmsEnvelope(readFixture(attached.signature));
      expect(readCmsEnvelope(ber)).toEqual(original);
      const result = await verify(ber, false);
      expect(result.ok && result.outcome.verdict).toBe('trusted');
    });
  });

  describe('when attached id-data content is a constructed OCTET STRING of primitive segments', () => {
    it('hashes the concatenation of the segments, and the signature is trusted', async () => {
      const segmented = variant(attached.signature, (root) => {
        const explicit = at(field(signedDataOf(root), 0x30), 1);
        const content = at(explicit, 0).value as Uint8Array;
        explicit.children = [
          {
            tag: 0x24,
            indefinite: true,
            children: [octets(content.subarray(0, 100)), octets(content.subarray(100))],
          },
        ];
      });
      const parsed = readCmsEnvelope(segmented);
      expect(parsed.ok && parsed.envelope.content).toEqual(artifact);
      const result = await verify(segmented, false);
      expect(result.ok && result.outcome.verdict).toBe('trusted');
    });
  });

  describe('when attached id-data content is a SEQUENCE of two OCTET STRINGs (hashed as their leaves before)', () => {
    it('cannot be read', async () => {
      const sequence = variant(attached.signature, (root) => {
        const explicit = at(field(signedDataOf(root), 0x30), 1);
        const content = at(explicit, 0).value as Uint8Array;
        explicit.children = [
          { tag: 0x30, children: [octets(content.subarray(0, 100)), octets(content.subarray(100))] },
        ];
      });
      expect(await verify(sequence, false)).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when a segment of a constructed OCTET STRING is itself constructed', () => {
    it('cannot be read', () => {
      const nested = variant(attached.signature, (root) => {
        const explicit = at(field(signedDataOf(root), 0x30), 1);
        const content = at(explicit, 0).value as Uint8Array;
        explicit.children = [{ tag: 0x24, children: [{ tag: 0x24, children: [octets(content)] }] }];
      });
      expect(readCmsEnvelope(nested)).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when a part that must be DER uses BER', () => {
    it('refuses a certificate with an indefinite length', () => {
      const bytes = variant(detached.signature, (root) => {
        at(field(signedDataOf(root), 0xa0), 0).indefinite = true;
      });
      const result = readCmsEnvelope(bytes);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toContain('certificate 1');
    });

    it('refuses a certificate with a non-minimal length (a length asn1js repaired before)', () => {
      const bytes = variant(detached.signature, (root) => {
        const certificate = at(field(signedDataOf(root), 0xa0), 0);
        const der = encodeTree(certificate);
        // 30 82 LL LL ... -> 30 83 00 LL LL ...: the same certificate with a longer length field.
        certificate.raw = concatBytes([Uint8Array.of(0x30, 0x83, 0x00), der.subarray(2)]);
      });
      const result = readCmsEnvelope(bytes);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toMatch(/certificates.*non-minimal length/);
    });

    it('refuses a SignerInfo with an indefinite length', () => {
      const bytes = variant(detached.signature, (root) => {
        signerInfoOf(root).indefinite = true;
      });
      expect(readCmsEnvelope(bytes)).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when a version is not the one RFC 5652 gives', () => {
    it('refuses SignedData version 3 for id-data with an issuer-and-serial signer (5.1 says 1)', () => {
      const bytes = variant(detached.signature, (root) => {
        at(signedDataOf(root), 0).value = Uint8Array.of(3);
      });
      const result = readCmsEnvelope(bytes);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toContain('version 3');
    });

    it('refuses SignerInfo version 3 with an issuer-and-serial identifier (5.3 says 1)', () => {
      const bytes = variant(detached.signature, (root) => {
        at(signerInfoOf(root), 0).value = Uint8Array.of(3);
      });
      expect(readCmsEnvelope(bytes)).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
    });
  });

  describe('when the content type is not id-data', () => {
    it('is rejected with CONTENT_TYPE_UNSUPPORTED', async () => {
      const bytes = variant(detached.signature, (root) => {
        const sd = signedDataOf(root);
        at(sd, 0).value = Uint8Array.of(3);
        // id-ct-TSTInfo in place of id-data
        at(field(sd, 0x30), 0).value = Uint8Array.of(
          0x2a,
          0x86,
          0x48,
          0x86,
          0xf7,
          0x0d,
          0x01,
          0x09,
          0x10,
          0x01,
          0x04,
        );
      });
      const result = await verify(bytes);
      expect(result.ok && result.outcome.verdict).toBe('rejected');
      expect(result.ok && result.outcome.reasons.map((r) => r.code)).toContain('CONTENT_TYPE_UNSUPPORTED');
    });
  });

  describe("when the signer's digest algorithm is not among the SignedData's digestAlgorithms", () => {
    it('cannot be read (OpenSSL cannot verify such a signer either)', () => {
      const bytes = variant(detached.signature, (root) => {
        // sha256 -> sha384 in the digestAlgorithms SET only
        const oid = at(signedDataOf(root), 1, 0, 0);
        const value = (oid.value as Uint8Array).slice();
        value[value.length - 1] = 0x02;
        oid.value = value;
      });
      const result = readCmsEnvelope(bytes);
      expect(!result.ok && result.detail).toContain('digestAlgorithms');
    });
  });

  describe('when the signed attributes are not in DER SET OF order', () => {
    it('cannot be read', () => {
      const bytes = variant(detached.signature, (root) => {
        const signed = signerInfoOf(root).children?.find((c) => c.tag === 0xa0) as TreeNode;
        signed.children?.reverse();
      });
      const result = readCmsEnvelope(bytes);
      expect(!result.ok && result.detail).toContain('DER order');
    });
  });

  describe('when an unsigned attribute is repeated 60,000 times (it froze the event loop for 83 s)', () => {
    it('is refused with ATTRIBUTES_LIMIT before the attributes are read', () => {
      const bytes = variant(detached.signature, (root) => {
        const one = attribute(Uint8Array.of(0x2a, 0x03), { tag: 0x05, value: new Uint8Array() });
        unsignedAttributes(root).children = Array.from({ length: 60_000 }, () => one);
      });
      expect(bytes.length).toBeGreaterThan(400_000);
      expect(readCmsEnvelope(bytes)).toMatchObject({ ok: false, code: 'ATTRIBUTES_LIMIT' });
    });
  });

  describe('when an unsigned attribute has a corrupted OID (asn1js read it)', () => {
    it('cannot be read', () => {
      for (const oid of [Uint8Array.of(0x2a, 0x80, 0x01), Uint8Array.of(0x2a, 0x86), new Uint8Array()]) {
        const bytes = variant(detached.signature, (root) => {
          unsignedAttributes(root).children = [attribute(oid, { tag: 0x05, value: new Uint8Array() })];
        });
        expect(readCmsEnvelope(bytes)).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      }
    });
  });

  describe('when an unsigned attribute holds a 900 KB OID (asn1js took 32 s on a 1 MB one)', () => {
    it('cannot be read', () => {
      const bytes = variant(detached.signature, (root) => {
        const huge = new Uint8Array(900_000).fill(0x81);
        huge[huge.length - 1] = 0x01;
        unsignedAttributes(root).children = [
          attribute(Uint8Array.of(0x2a, 0x03), { tag: 0x06, value: huge }),
        ];
      });
      const result = readCmsEnvelope(bytes);
      expect(!result.ok && result.detail).toContain('OID longer than');
    });
  });

  describe('when a certificate in the bag carries 100,000 extensions (101 s before)', () => {
    it('cannot be read', () => {
      const bytes = variant(detached.signature, (root) => {
        const certificate = at(field(signedDataOf(root), 0xa0), 0);
        const tbs = at(certificate, 0);
        const extensions = at(tbs.children?.find((c) => c.tag === 0xa3) as TreeNode, 0);
        // The smallest extension there is: SEQUENCE { OID 1.2, OCTET STRING {} }, 7 bytes.
        const one: TreeNode = {
          tag: 0x30,
          children: [{ tag: 0x06, value: Uint8Array.of(0x2a) }, octets(new Uint8Array())],
        };
        extensions.children = Array.from({ length: 100_000 }, () => one);
      });
      const result = readCmsEnvelope(bytes);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toContain('more than 64 extensions');
    });
  });

  describe('when the envelope carries an attribute certificate (as Microsoft timestamp tokens do)', () => {
    it('reads the envelope and sets the attribute certificate aside: it vouches for no key', () => {
      const plain = readCmsEnvelope(readFixture(detached.signature));
      for (const tag of [0xa1, 0xa2]) {
        const bytes = variant(detached.signature, (root) => {
          const certificates = field(signedDataOf(root), 0xa0);
          certificates.children?.push({ tag, children: [{ tag: 0x30, children: [] }] });
        });
        const result = readCmsEnvelope(bytes);
        expect(result.ok, `tag ${tag}`).toBe(true);
        expect(result.ok && result.envelope.certificates).toEqual(plain.ok && plain.envelope.certificates);
      }
    });
  });

  describe('when the envelope carries an extended or other certificate choice', () => {
    it('cannot be read', () => {
      for (const tag of [0xa0, 0xa3]) {
        const bytes = variant(detached.signature, (root) => {
          const certificates = field(signedDataOf(root), 0xa0);
          certificates.children?.push({ tag, children: [{ tag: 0x30, children: [] }] });
        });
        const result = readCmsEnvelope(bytes);
        expect(!result.ok && result.detail, `tag ${tag}`).toContain('not an X.509 certificate');
      }
    });
  });
});

describe('readCmsEnvelope on a signer that carries a timestamp token', () => {
  const stamped = readTimestampFixture('cases/expired-signer-timestamped-trusted/signature.der');
  /** The token's TSTInfo changed by `edit` (the whole signature re-encoded around it). */
  function withTstInfo(edit: (tstInfo: TreeNode) => void): Uint8Array {
    const root = decodeTree(stamped);
    const token = at(unsignedAttributes(root), 0, 1, 0);
    const eContent = at(field(signedDataOf(token), 0x30), 1, 0);
    const tstInfo = decodeTree(eContent.value as Uint8Array);
    edit(tstInfo);
    eContent.value = encodeTree(tstInfo);
    return encodeTree(root);
  }

  describe('when the token reads as a SignedData over a TSTInfo', () => {
    it('reads the signature (whether the token is trusted is decided later)', () => {
      expect(readCmsEnvelope(stamped).ok).toBe(true);
    });
  });

  describe('when the TSTInfo inside the token cannot be read (version 2)', () => {
    it('the signature cannot be read: a verdict is never made on a token no one can read', () => {
      const result = readCmsEnvelope(
        withTstInfo((tst) => {
          at(tst, 0).value = Uint8Array.of(2);
        }),
      );
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_UNREADABLE' });
      expect(!result.ok && result.detail).toContain('timestamp token');
    });
  });

  describe('when the TSTInfo states a negative accuracy', () => {
    it('the signature cannot be read', () => {
      const result = readCmsEnvelope(
        withTstInfo((tst) => {
          // the fixture's accuracy (seconds 1) becomes seconds -1
          at(tst, 5, 0).value = Uint8Array.of(0xff);
        }),
      );
      expect(!result.ok && result.detail).toContain('negative INTEGER');
    });
  });
});

describe('the messageDigest and contentType reads', () => {
  const withValue = (signer: CmsSigner, oid: string, value: Uint8Array): CmsSigner => ({
    ...signer,
    signedAttributeValues: new Map([...signer.signedAttributeValues, [oid, [[value]]]]),
  });
  const parsed = readCmsEnvelope(readFixture(detached.signature));
  if (!parsed.ok) throw new Error('fixture unreadable');
  const signer = parsed.envelope.signers[0] as CmsSigner;

  describe('when the value is DER of the right type', () => {
    it('reads it', () => {
      expect(
        readMessageDigest(withValue(signer, OID_MESSAGE_DIGEST, Uint8Array.of(0x04, 0x02, 1, 2))),
      ).toEqual(Uint8Array.of(1, 2));
      expect(
        readContentTypeAttribute(
          withValue(signer, OID_CONTENT_TYPE, Uint8Array.of(0x06, 0x03, 0x2a, 0x03, 0x04)),
        ),
      ).toBe('1.2.3.4');
    });
  });

  describe('when the value is BER, of another type or malformed', () => {
    it('reads nothing and never throws', () => {
      const values = [
        Uint8Array.of(0x04, 0x81, 0x02, 0x01, 0x02), // non-minimal length
        Uint8Array.of(0x24, 0x04, 0x04, 0x02, 0x01, 0x02), // constructed OCTET STRING
        Uint8Array.of(0x04, 0x02, 0x01, 0x02, 0x00), // trailing byte
        Uint8Array.of(0x84, 0x01, 0x01), // [4] primitive
        Uint8Array.of(0x06, 0x00), // empty OID
        Uint8Array.of(0x06, 0x03, 0x2a, 0x80, 0x01), // non-minimal arc
        Uint8Array.of(0x06, 0x02, 0x2a, 0x86), // truncated arc
        Uint8Array.of(0x06, 0x09, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), // a huge arc
        Uint8Array.of(0x26, 0x03, 0x06, 0x01, 0x2a), // constructed OID
        Uint8Array.of(0x05, 0x00),
        Uint8Array.of(0x04),
        new Uint8Array(),
      ];
      for (const value of values) {
        expect(readMessageDigest(withValue(signer, OID_MESSAGE_DIGEST, value))).toBeNull();
        expect(readContentTypeAttribute(withValue(signer, OID_CONTENT_TYPE, value))).toBeNull();
      }
    });
  });
});

describe('the remembered envelopes', () => {
  const bytes = readFixture(cmsCase('two-intermediates-trusted').signature);

  describe('when the same bytes are read again', () => {
    it('answer what a first read gives, for the same bytes and limits only', () => {
      const first = readCmsEnvelope(new Uint8Array(bytes));
      expect(readCmsEnvelope(new Uint8Array(bytes))).toEqual(first);
      expect(first).toEqual(parseCmsEnvelope(bytes));
      expect(readCmsEnvelope(bytes, { ...DEFAULT_ENVELOPE_LIMITS, maxCertificates: 1 })).toMatchObject({
        ok: false,
        code: 'CERTIFICATES_LIMIT',
      });
      const changed = new Uint8Array(bytes);
      changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
      expect(readCmsEnvelope(changed)).toEqual(parseCmsEnvelope(changed));
      expect(readCmsEnvelope(changed)).not.toEqual(first);
    });
  });

  describe('when the caller reuses its buffer', () => {
    it('changes nothing that was remembered (envelopes hold their own copies)', () => {
      const input = new Uint8Array(bytes.length + 1);
      input.set(bytes);
      const view = input.subarray(0, bytes.length);
      const fresh = parseCmsEnvelope(new Uint8Array(bytes));
      const limits = { ...DEFAULT_ENVELOPE_LIMITS, maxSigners: 7 };
      expect(readCmsEnvelope(view, limits)).toEqual(fresh);
      input.fill(0x5a);
      expect(readCmsEnvelope(new Uint8Array(bytes), limits)).toEqual(fresh);
    });
  });

  describe('when a remembered envelope is handed out', () => {
    it('is frozen, so no caller can change what the next request reads', () => {
      const parsed = readCmsEnvelope(bytes);
      if (!parsed.ok) throw new Error('fixture unreadable');
      expect(Object.isFrozen(parsed.envelope)).toBe(true);
      expect(Object.isFrozen(parsed.envelope.certificates)).toBe(true);
      expect(Object.isFrozen(parsed.envelope.signers[0])).toBe(true);
    });
  });
});
