/**
 * Many distinct CMS signatures by the bench's P-256 signer, for the in-process figure on signatures the
 * verifier has not seen: each is the openssl-made envelope with the messageDigest of another artifact
 * (4 KiB of random bytes each) in its signed attributes, signed again with the signer's key (node:crypto,
 * much faster than one openssl run per signature). Same certificates, so the path cache and certificate
 * parses still hit, as they would for a vendor that signs many packages with one key; the envelope and
 * its signed attributes are new every time.
 */
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { concatBytes } from '../../src/encoding';
import { children, decodeOid, readTlv } from '../../src/verify/der';

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

const concat = (parts: Uint8Array[]): Uint8Array => concatBytes(...parts);

function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  const n = body.length;
  const header =
    n < 0x80
      ? [tag, n]
      : n < 0x100
        ? [tag, 0x81, n]
        : n < 0x10000
          ? [tag, 0x82, n >> 8, n & 0xff]
          : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat([Uint8Array.from(header), body]);
}

const one = (bytes: Uint8Array) => readTlv(bytes, 0).node;

export interface DistinctSignature {
  signature: Uint8Array;
  artifactDigest: Uint8Array;
}

/** `count` detached signatures over `count` different artifacts, from one template signature by the signer. */
export function distinctSignatures(
  template: Uint8Array,
  signerKeyPath: string,
  count: number,
): DistinctSignature[] {
  const key = createPrivateKey(readFileSync(signerKeyPath));
  const contentInfo = children(one(template));
  const [contentType, explicit] = contentInfo;
  if (!contentType || !explicit) throw new Error('template is not a ContentInfo');
  const signedData = children(one(explicit.value));
  const signerInfos = signedData[signedData.length - 1];
  const signerInfo = signerInfos ? children(signerInfos)[0] : undefined;
  if (!signerInfo) throw new Error('template has no SignerInfo');
  const parts = children(signerInfo);
  const attrsAt = parts.findIndex((p) => p.tag === 0xa0);
  const attrs = parts[attrsAt];
  if (!attrs) throw new Error('template has no signed attributes');
  const attributes = children(attrs);
  const digestAt = attributes.findIndex((a) => decodeOid(children(a)[0]) === OID_MESSAGE_DIGEST);
  const digestType = attributes[digestAt] ? children(attributes[digestAt])[0] : undefined;
  if (!digestType) throw new Error('template has no messageDigest');

  const out: DistinctSignature[] = [];
  for (let i = 0; i < count; i++) {
    const artifactDigest = new Uint8Array(createHash('sha256').update(randomBytes(4096)).digest());
    const newAttributes = attributes.map((a, j) =>
      j === digestAt ? tlv(0x30, digestType.raw, tlv(0x31, tlv(0x04, artifactDigest))) : a.raw,
    );
    const signed = tlv(0x31, ...newAttributes); // what the signature covers: the attributes as SET OF
    const value = new Uint8Array(sign('sha256', signed, { key, dsaEncoding: 'der' }));
    const newParts = parts.map((p, j) =>
      j === attrsAt ? tlv(0xa0, ...newAttributes) : p.tag === 0x04 ? tlv(0x04, value) : p.raw,
    );
    const newSignedData = [...signedData.slice(0, -1).map((p) => p.raw), tlv(0x31, tlv(0x30, ...newParts))];
    out.push({
      signature: tlv(0x30, contentType.raw, tlv(0xa0, tlv(0x30, ...newSignedData))),
      artifactDigest,
    });
  }
  return out;
}
