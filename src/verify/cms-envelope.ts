import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ErrorCode } from '../errors';
import { parseBer } from './asn1';
import { type DerNode, decodeOid, derTry, readTlv, TAG } from './der';
import { decodePemBlocks, looksLikePem, toHex } from './pem';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_DATA = '1.2.840.113549.1.7.1';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export interface EnvelopeLimits {
  maxSignatureBytes: number;
  maxCertificates: number;
  /** CRLs an envelope may carry (each is checked against the path, so they cost signature checks). */
  maxCrls?: number;
  maxSigners: number;
}

export const DEFAULT_MAX_CRLS = 32;

export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = {
  maxSignatureBytes: 1024 * 1024,
  maxCertificates: 32,
  maxCrls: 32,
  maxSigners: 1,
};

/** How the signer names its certificate: by issuer and serial, or by subject key identifier. */
export type SignerIdentifier =
  | { kind: 'issuerSerial'; issuer: Uint8Array; serialHex: string }
  | { kind: 'ski'; skiHex: string };

export interface CmsSigner {
  sid: SignerIdentifier;
  digestAlgorithmOid: string;
  /** DER AlgorithmIdentifier as carried, for the shared signature check. */
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  /** The signed attributes re-tagged as SET OF, exactly the bytes the signature covers; null when absent. */
  signedAttributes: Uint8Array | null;
  /** Values of the signed attributes by OID (each a list of DER values); duplicates are kept to be refused. */
  signedAttributeValues: Map<string, Uint8Array[][]>;
  unsignedAttributeValues: Map<string, Uint8Array[][]>;
}

export interface CmsEnvelope {
  contentType: string;
  /** The encapsulated content when the signature is attached; null when detached. */
  content: Uint8Array | null;
  certificates: Uint8Array[];
  crls: Uint8Array[];
  signers: CmsSigner[];
}

export type EnvelopeResult =
  | { ok: true; envelope: CmsEnvelope }
  | { ok: false; code: ErrorCode; detail: string };

const fail = (code: ErrorCode, detail: string): EnvelopeResult => ({ ok: false, code, detail });

const view = (buffer: ArrayBuffer | Uint8Array): Uint8Array =>
  buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);

function octets(value: asn1js.OctetString): Uint8Array {
  if (!value.idBlock.isConstructed) return new Uint8Array(value.valueBlock.valueHexView);
  // BER constructed OCTET STRING (streamed signing): the content is the concatenation of its parts.
  const parts = (value.valueBlock.value as asn1js.OctetString[]).map(octets);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function attributeMap(
  attributes: pkijs.SignedAndUnsignedAttributes | undefined,
): Map<string, Uint8Array[][]> {
  const map = new Map<string, Uint8Array[][]>();
  for (const attribute of attributes?.attributes ?? []) {
    const values = (attribute.values ?? []).map((v: asn1js.AsnType) => view(v.toBER()));
    map.set(attribute.type, [...(map.get(attribute.type) ?? []), values]);
  }
  return map;
}

function signerIdentifier(sid: unknown): SignerIdentifier | null {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return {
      kind: 'issuerSerial',
      issuer: view(sid.issuer.toSchema().toBER()),
      serialHex: toHex(new Uint8Array(sid.serialNumber.valueBlock.valueHexView)),
    };
  }
  if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
    const inner = sid instanceof asn1js.Constructed ? sid.valueBlock.value[0] : sid;
    if (inner instanceof asn1js.OctetString || inner instanceof asn1js.Primitive) {
      return {
        kind: 'ski',
        skiHex: toHex(new Uint8Array((inner as asn1js.Primitive).valueBlock.valueHexView)),
      };
    }
  }
  return null;
}

/**
 * Reads a CMS SignedData (DER, or PEM armoured) within limits. Problems here mean the input cannot be
 * read at all, so they are request errors rather than reasons in a verdict.
 */
export function parseCmsEnvelope(
  input: Uint8Array,
  limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS,
): EnvelopeResult {
  if (input.byteLength === 0) return fail('SIGNATURE_EMPTY', 'the signature is empty');
  if (input.byteLength > limits.maxSignatureBytes) {
    return fail('PAYLOAD_TOO_LARGE', `the signature is over ${limits.maxSignatureBytes} bytes`);
  }
  let der = input;
  if (looksLikePem(input)) {
    const blocks = decodePemBlocks(new TextDecoder().decode(input)).filter((b) =>
      ['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA'].includes(b.label),
    );
    const block = blocks[0];
    if (!block || blocks.length > 1) {
      return fail('SIGNATURE_UNREADABLE', 'the PEM text holds no single PKCS7 or CMS block');
    }
    der = block.der;
  }
  const asn = parseBer(der);
  if (!asn)
    return fail(
      'SIGNATURE_UNREADABLE',
      'the signature is not one ASN.1 element (truncated, trailing bytes or not CMS)',
    );
  try {
    return readSignedData(asn, limits);
  } catch (error) {
    // pkijs and asn1js throw on some malformed structures: that is unreadable input, not a fault.
    return fail(
      'SIGNATURE_UNREADABLE',
      `the signature is not a well-formed CMS SignedData: ${(error as Error).message}`,
    );
  }
}

function readSignedData(asn: asn1js.AsnType, limits: EnvelopeLimits): EnvelopeResult {
  let signedData: pkijs.SignedData;
  try {
    const info = new pkijs.ContentInfo({ schema: asn });
    if (info.contentType !== OID_SIGNED_DATA) {
      return fail('SIGNATURE_NOT_SIGNED_DATA', `the CMS content type is ${info.contentType}, not SignedData`);
    }
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    return fail('SIGNATURE_UNREADABLE', `the signature is not a CMS SignedData: ${(error as Error).message}`);
  }

  const certificateChoices = signedData.certificates ?? [];
  if (certificateChoices.length > limits.maxCertificates) {
    return fail(
      'CERTIFICATES_LIMIT',
      `the envelope carries ${certificateChoices.length} certificates; at most ${limits.maxCertificates} are read`,
    );
  }
  // Only X.509 certificates can take part in a path; attribute and other certificate choices are ignored.
  const certificates = certificateChoices
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => view(c.toSchema().toBER()));
  const maxCrls = limits.maxCrls ?? DEFAULT_MAX_CRLS;
  if ((signedData.crls ?? []).length > maxCrls) {
    return fail('CRLS_LIMIT', `the envelope carries more than ${maxCrls} CRLs`);
  }
  const crls = (signedData.crls ?? [])
    .filter((c): c is pkijs.CertificateRevocationList => c instanceof pkijs.CertificateRevocationList)
    .map((c) => view(c.toSchema().toBER()));

  if (signedData.signerInfos.length === 0) return fail('NO_SIGNERS', 'the SignedData has no signer');
  if (signedData.signerInfos.length > limits.maxSigners) {
    return fail(
      'SIGNERS_LIMIT',
      `the envelope has ${signedData.signerInfos.length} signers; at most ${limits.maxSigners} is verified`,
    );
  }
  const signers: CmsSigner[] = [];
  for (const info of signedData.signerInfos) {
    const sid = signerIdentifier(info.sid);
    if (!sid) return fail('SIGNATURE_UNREADABLE', 'a signer identifier cannot be read');
    signers.push({
      sid,
      digestAlgorithmOid: info.digestAlgorithm.algorithmId,
      signatureAlgorithm: view(info.signatureAlgorithm.toSchema().toBER()),
      signature: new Uint8Array(info.signature.valueBlock.valueHexView),
      signedAttributes: info.signedAttrs ? new Uint8Array(info.signedAttrs.encodedValue) : null,
      signedAttributeValues: attributeMap(info.signedAttrs),
      unsignedAttributeValues: attributeMap(info.unsignedAttrs),
    });
  }
  const eContent = signedData.encapContentInfo.eContent;
  return {
    ok: true,
    envelope: {
      contentType: signedData.encapContentInfo.eContentType,
      content: eContent ? octets(eContent) : null,
      certificates,
      crls,
      signers,
    },
  };
}

/** The single value of a signed attribute, or why there is not exactly one. */
export function singleAttribute(
  signer: CmsSigner,
  oid: string,
): { ok: true; value: Uint8Array } | { ok: false; problem: 'missing' | 'repeated' } {
  const occurrences = signer.signedAttributeValues.get(oid);
  if (!occurrences || occurrences.length === 0) return { ok: false, problem: 'missing' };
  const first = occurrences[0];
  if (occurrences.length > 1 || !first || first.length !== 1 || !first[0])
    return { ok: false, problem: 'repeated' };
  return { ok: true, value: first[0] };
}

/**
 * One DER TLV spanning all of `bytes`, read with the strict DER reader: the node when its tag is `tag`,
 * `'other'` when it is a type asn1js cannot read as that tag's type either (another tag number), and
 * `'unread'` when the strict reader cannot tell (BER, trailing bytes, the same tag number in another class
 * or form): the caller then asks asn1js, as before. What the strict reader accepts, asn1js reads alike.
 */
function strictTlv(bytes: Uint8Array, tag: number): DerNode | 'other' | 'unread' {
  const read = derTry(() => readTlv(bytes, 0));
  if (!read || read.next !== bytes.length) return 'unread';
  if (read.node.tag === tag) return read.node;
  return (read.node.tag & 0x1f) === (tag & 0x1f) ? 'unread' : 'other';
}

export function readMessageDigest(signer: CmsSigner): Uint8Array | null {
  const attribute = singleAttribute(signer, OID_MESSAGE_DIGEST);
  if (!attribute.ok) return null;
  const strict = strictTlv(attribute.value, TAG.OCTET_STRING);
  if (strict === 'other') return null;
  if (strict !== 'unread') return new Uint8Array(strict.value);
  const asn = parseBer(attribute.value);
  if (!(asn instanceof asn1js.OctetString) || asn.idBlock.isConstructed) return null;
  return new Uint8Array(asn.valueBlock.valueHexView);
}

export function readContentTypeAttribute(signer: CmsSigner): string | null {
  const attribute = singleAttribute(signer, OID_CONTENT_TYPE);
  if (!attribute.ok) return null;
  const strict = strictTlv(attribute.value, TAG.OID);
  if (strict === 'other') return null;
  if (strict !== 'unread') {
    const oid = derTry(() => decodeOid(strict));
    if (oid !== null) return oid;
  }
  // Through parseBer, which turns asn1js's throws on some malformed values into null (no OID).
  const asn = parseBer(attribute.value);
  if (!(asn instanceof asn1js.ObjectIdentifier)) return null;
  return asn.valueBlock.toString();
}
