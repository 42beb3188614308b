/**
 * A fast reader for the common case of `parseCmsEnvelope`: a CMS SignedData in strict DER, read with the
 * project's own DER reader instead of asn1js/pkijs (which spend several milliseconds on a 1.5 KB
 * signature, more than everything else a verification does together).
 *
 * It only ever answers for inputs it reads completely and that have exactly the shape RFC 5652 gives;
 * for anything else (BER, indefinite lengths, constructed OCTET STRINGs, unexpected fields, limits
 * exceeded, not SignedData, ...) it declines and `readCmsEnvelope` hands the input to
 * `parseCmsEnvelope`, so every error and every edge case keeps its existing answer. When it answers, its
 * envelope is field for field what `parseCmsEnvelope` returns (test/verify/cms-fast.test.ts checks this
 * on every fixture and on mutated inputs).
 */

import { isParseError } from './certificate';
import { parseCertificateMemo as parseCertificate } from './certificate-memo';
import {
  type CmsEnvelope,
  type CmsSigner,
  DEFAULT_ENVELOPE_LIMITS,
  DEFAULT_MAX_CRLS,
  type EnvelopeLimits,
  type EnvelopeResult,
  parseCmsEnvelope,
  type SignerIdentifier,
} from './cms-envelope';
import { children, type DerNode, decodeOid, decodeTime, derTry, fail, readTlv, TAG } from './der';
import { createBytesMemo } from './memo';
import { parseCrl } from './path/crl';
import { decodePemBlocks, looksLikePem, toHex } from './pem';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const CONTEXT_0 = 0xa0;
const CONTEXT_1 = 0xa1;
const CONTEXT_0_PRIMITIVE = 0x80;
/** Universal tags asn1js reads the same way as this reader (1 marks one), by identifier octet. */
const UNIVERSAL_TAGS = new Uint8Array(256);
for (const tag of [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0c, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1c, 0x1e, 0x30,
  0x31,
]) {
  UNIVERSAL_TAGS[tag] = 1;
}

/** An OBJECT IDENTIFIER's contents as `decodeOid` accepts them (without building the dotted string). */
function checkOid(b: Uint8Array, start: number, end: number): void {
  if (start === end) fail('empty OID');
  let acc = 0;
  let started = false;
  for (let i = start; i < end; i++) {
    const byte = b[i] as number;
    if (!started && byte === 0x80) fail('non-minimal OID arc');
    started = true;
    acc = acc * 128 + (byte & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) fail('OID arc too large');
    if ((byte & 0x80) === 0) {
      acc = 0;
      started = false;
    } else if (i === end - 1) {
      fail('truncated OID');
    }
  }
}

/** The primitive contents rules `parseDer` enforces: canonical BOOLEANs, minimal INTEGERs, ... */
function checkPrimitive(tag: number, b: Uint8Array, start: number, end: number): void {
  const length = end - start;
  if (tag === TAG.BOOLEAN) {
    if (length !== 1 || (b[start] !== 0 && b[start] !== 0xff)) fail('BOOLEAN not DER');
  } else if (tag === TAG.INTEGER || tag === TAG.ENUMERATED) {
    if (length === 0) fail('empty INTEGER');
    if (length > 1) {
      const first = b[start] as number;
      const second = b[start + 1] as number;
      if ((first === 0 && (second & 0x80) === 0) || (first === 0xff && (second & 0x80) !== 0))
        fail('non-minimal INTEGER');
    }
  } else if (tag === TAG.NULL) {
    if (length !== 0) fail('NULL with contents');
  } else if (tag === TAG.BIT_STRING) {
    if (length === 0) fail('empty BIT STRING');
    const unused = b[start] as number;
    if (unused > 7 || (length === 1 && unused !== 0)) fail('bad BIT STRING');
    if (unused > 0 && ((b[end - 1] as number) & ((1 << unused) - 1)) !== 0) fail('BIT STRING padding');
  }
}

/**
 * Every TLV in `b[start, end)` in strict DER with tags asn1js reads the same way, every OID and time well
 * formed: the inputs on which asn1js and pkijs cannot fail where this reader succeeds. This includes the
 * certificates: the strict certificate parser accepts some encodings (a string type asn1js does not
 * know, in a name) that pkijs refuses, so each one is walked here too. Reads by offset, as `readTlv` and
 * `parseDer` would, without making a node for every TLV.
 */
function checkDeep(b: Uint8Array, start: number, end: number, depth: number): void {
  let pos = start;
  while (pos < end) {
    if (depth > 32) fail('nesting too deep');
    const at = pos;
    const tag = b[pos] as number;
    if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in X.509');
    pos += 1;
    if (pos >= end) fail('truncated');
    const first = b[pos] as number;
    pos += 1;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const count = first & 0x7f;
      if (count === 0) fail('indefinite length');
      if (count > 4) fail('length too large');
      if (pos + count > end) fail('truncated');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (b[pos + i] as number);
      if ((b[pos] as number) === 0) fail('non-minimal length');
      if (length < 0x80) fail('non-minimal length');
      pos += count;
    }
    const valueEnd = pos + length;
    if (valueEnd > end) fail('truncated');
    if ((tag & 0xc0) === 0 && UNIVERSAL_TAGS[tag] !== 1) fail('an unusual universal tag');
    if (tag & 0x20) {
      checkDeep(b, pos, valueEnd, depth + 1);
    } else if (tag === TAG.OID) {
      checkOid(b, pos, valueEnd);
    } else if (tag === TAG.UTC_TIME || tag === TAG.GENERALIZED_TIME) {
      decodeTime({ tag, raw: b.subarray(at, valueEnd), value: b.subarray(pos, valueEnd) });
    } else if (tag === 0x1e) {
      if (length % 2 !== 0) fail('a BMPString of odd length');
    } else if (tag === 0x1c) {
      if (length % 4 !== 0) fail('a UniversalString whose length is not a multiple of 4');
    } else {
      checkPrimitive(tag, b, pos, valueEnd);
    }
    pos = valueEnd;
  }
}

function one(bytes: Uint8Array): DerNode {
  const { node, next } = readTlv(bytes, 0);
  if (next !== bytes.length) fail('trailing bytes');
  return node;
}

function integer(node: DerNode | undefined): DerNode {
  if (!node || node.tag !== TAG.INTEGER || node.value.length === 0) fail('expected INTEGER');
  return node;
}

function algorithmOid(node: DerNode | undefined): string {
  if (!node || node.tag !== TAG.SEQUENCE) fail('expected AlgorithmIdentifier');
  const parts = children(node);
  if (parts.length < 1 || parts.length > 2) fail('AlgorithmIdentifier shape');
  return decodeOid(parts[0]);
}

function attributes(node: DerNode): Map<string, Uint8Array[][]> {
  const map = new Map<string, Uint8Array[][]>();
  for (const attribute of children(node)) {
    if (attribute.tag !== TAG.SEQUENCE) fail('Attribute');
    const [type, values, ...rest] = children(attribute);
    if (!values || values.tag !== TAG.SET || rest.length > 0) fail('Attribute shape');
    const oid = decodeOid(type);
    const list = children(values).map((v) => new Uint8Array(v.raw));
    map.set(oid, [...(map.get(oid) ?? []), list]);
  }
  return map;
}

function signerInfo(node: DerNode): CmsSigner {
  if (node.tag !== TAG.SEQUENCE) fail('SignerInfo');
  const parts = children(node);
  let i = 0;
  integer(parts[i++]);
  const sidNode = parts[i++];
  let sid: SignerIdentifier;
  if (sidNode?.tag === TAG.SEQUENCE) {
    const [issuer, serial, ...rest] = children(sidNode);
    if (!issuer || issuer.tag !== TAG.SEQUENCE || rest.length > 0) fail('IssuerAndSerialNumber');
    // Name: SEQUENCE OF SET OF SEQUENCE { OID, value }, as pkijs reads it.
    for (const rdn of children(issuer)) {
      if (rdn.tag !== TAG.SET) fail('RelativeDistinguishedName');
      for (const atv of children(rdn)) {
        const [type, value, ...more] =
          atv.tag === TAG.SEQUENCE ? children(atv) : fail('AttributeTypeAndValue');
        if (!value || more.length > 0) fail('AttributeTypeAndValue shape');
        decodeOid(type);
      }
    }
    sid = {
      kind: 'issuerSerial',
      issuer: new Uint8Array(issuer.raw),
      serialHex: toHex(integer(serial).value),
    };
  } else if (sidNode?.tag === CONTEXT_0_PRIMITIVE) {
    sid = { kind: 'ski', skiHex: toHex(sidNode.value) };
  } else {
    fail('SignerIdentifier');
  }
  const digestAlgorithmOid = algorithmOid(parts[i++]);
  let signedAttributes: Uint8Array | null = null;
  let signedAttributeValues = new Map<string, Uint8Array[][]>();
  if (parts[i]?.tag === CONTEXT_0) {
    const node = parts[i++] as DerNode;
    signedAttributeValues = attributes(node);
    signedAttributes = new Uint8Array(node.raw);
    signedAttributes[0] = TAG.SET;
  }
  const algorithmNode = parts[i++];
  algorithmOid(algorithmNode);
  const signatureNode = parts[i++];
  if (!signatureNode || signatureNode.tag !== TAG.OCTET_STRING) fail('signature');
  let unsignedAttributeValues = new Map<string, Uint8Array[][]>();
  if (parts[i]?.tag === CONTEXT_1) unsignedAttributeValues = attributes(parts[i++] as DerNode);
  if (i !== parts.length) fail('SignerInfo has extra fields');
  return {
    sid,
    digestAlgorithmOid,
    signatureAlgorithm: new Uint8Array((algorithmNode as DerNode).raw),
    signature: new Uint8Array(signatureNode.value),
    signedAttributes,
    signedAttributeValues,
    unsignedAttributeValues,
  };
}

/** The envelope, or null when this reader declines the input (see the file comment). */
export function readCmsEnvelopeFast(der: Uint8Array, limits: EnvelopeLimits): CmsEnvelope | null {
  return derTry(() => {
    const contentInfo = one(der);
    if (contentInfo.tag !== TAG.SEQUENCE) fail('ContentInfo');
    const [contentType, explicit, ...extra] = children(contentInfo);
    if (extra.length > 0 || decodeOid(contentType) !== OID_SIGNED_DATA) fail('not SignedData');
    if (!explicit || explicit.tag !== CONTEXT_0) fail('content');
    const signedData = one(explicit.value);
    if (signedData.tag !== TAG.SEQUENCE) fail('SignedData');
    const parts = children(signedData);
    let i = 0;
    integer(parts[i++]);
    const digestAlgorithms = parts[i++];
    if (!digestAlgorithms || digestAlgorithms.tag !== TAG.SET) fail('digestAlgorithms');
    for (const algorithm of children(digestAlgorithms)) algorithmOid(algorithm);
    const encap = parts[i++];
    if (!encap || encap.tag !== TAG.SEQUENCE) fail('encapContentInfo');
    const [eContentType, eContentExplicit, ...encapExtra] = children(encap);
    if (encapExtra.length > 0) fail('encapContentInfo shape');
    const contentTypeOid = decodeOid(eContentType);
    let content: Uint8Array | null = null;
    if (eContentExplicit) {
      if (eContentExplicit.tag !== CONTEXT_0) fail('eContent');
      const octets = one(eContentExplicit.value);
      if (octets.tag !== TAG.OCTET_STRING) fail('eContent is not a primitive OCTET STRING');
      content = new Uint8Array(octets.value);
    }
    const certificates: Uint8Array[] = [];
    if (parts[i]?.tag === CONTEXT_0) {
      const choices = children(parts[i++] as DerNode);
      if (choices.length > limits.maxCertificates) fail('over the certificate limit');
      for (const choice of choices) {
        if (choice.tag !== TAG.SEQUENCE) fail('a certificate choice other than X.509');
        // A certificate the strict parser refuses goes the long way, which may refuse the envelope.
        if (isParseError(parseCertificate(choice.raw))) fail('a certificate that does not parse strictly');
        certificates.push(new Uint8Array(choice.raw));
      }
    }
    const crls: Uint8Array[] = [];
    if (parts[i]?.tag === CONTEXT_1) {
      const choices = children(parts[i++] as DerNode);
      if (choices.length > (limits.maxCrls ?? DEFAULT_MAX_CRLS)) fail('over the CRL limit');
      for (const choice of choices) {
        // Anything that is not a CRL this verifier reads goes the long way, which refuses it.
        if (choice.tag !== TAG.SEQUENCE || parseCrl(choice.raw) === null)
          fail('a revocation choice other than a CRL');
        crls.push(new Uint8Array(choice.raw));
      }
    }
    // Everything, the certificates included, must be DER that asn1js reads alike.
    checkDeep(der, 0, der.length, 0);
    const signerInfos = parts[i++];
    if (!signerInfos || signerInfos.tag !== TAG.SET || i !== parts.length) fail('signerInfos');
    const infos = children(signerInfos);
    if (infos.length === 0 || infos.length > limits.maxSigners) fail('signer count');
    const signers = infos.map(signerInfo);
    return { contentType: contentTypeOid, content, certificates, crls, signers };
  });
}

/**
 * The fast reader's answers (envelopes, and declines) remembered by the exact input bytes and the limits
 * (see memo.ts: a hash collision is a miss). The same signature comes back whenever a pipeline verifies
 * it again, and /verify reads each multipart signature twice (once to learn its digest algorithm). The
 * reading is pure, so a remembered envelope is what reading again would give; envelopes are shared
 * between requests and frozen (their byte arrays and attribute maps must not be changed by callers).
 * Only the parse is remembered: every verification still checks the signature and the path.
 */
export const ENVELOPE_MEMO_ENTRIES = 1024;
const fastMemo = createBytesMemo<CmsEnvelope | null>({
  maxEntries: ENVELOPE_MEMO_ENTRIES,
  maxInputBytes: 64 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
});

function freezeEnvelope(envelope: CmsEnvelope): CmsEnvelope {
  for (const signer of envelope.signers) {
    Object.freeze(signer.sid);
    Object.freeze(signer);
  }
  Object.freeze(envelope.certificates);
  Object.freeze(envelope.crls);
  Object.freeze(envelope.signers);
  return Object.freeze(envelope);
}

function readFast(input: Uint8Array, limits: EnvelopeLimits): CmsEnvelope | null {
  let der: Uint8Array | null = input;
  if (looksLikePem(input)) {
    const blocks = decodePemBlocks(new TextDecoder().decode(input)).filter((b) =>
      ['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA'].includes(b.label),
    );
    der = blocks.length === 1 ? (blocks[0]?.der ?? null) : null;
  }
  const envelope = der ? readCmsEnvelopeFast(der, limits) : null;
  return envelope ? freezeEnvelope(envelope) : null;
}

/**
 * `parseCmsEnvelope`, through the fast reader when it can: the same answers (envelopes and errors), in a
 * fraction of the time for the DER SignedData that signing tools produce.
 */
export function readCmsEnvelope(
  input: Uint8Array,
  limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS,
): EnvelopeResult {
  if (input.byteLength > 0 && input.byteLength <= limits.maxSignatureBytes) {
    const tag = `${limits.maxSignatureBytes}:${limits.maxCertificates}:${limits.maxCrls ?? DEFAULT_MAX_CRLS}:${limits.maxSigners}`;
    const envelope = fastMemo(input, tag, () => readFast(input, limits));
    if (envelope) return { ok: true, envelope };
  }
  return parseCmsEnvelope(input, limits);
}
