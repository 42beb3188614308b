/**
 * Builds small PE/PE32+ images and Authenticode signatures over them in-process, so that hostile cases
 * control every byte: the headers, the attribute certificate table, the SpcIndirectDataContent, nested
 * signatures. The image hash here is computed independently of src/verify/authenticode (a copy of the
 * file with the skipped fields cut out); the osslsigncode fixtures check both against osslsigncode.
 */
import { concatBytes } from '../../../src/encoding';
import {
  ECDSA_SHA256,
  type Issued,
  integer,
  makeLeaf,
  makeRoot,
  name,
  octets,
  oid,
  rawToDer,
  seq,
  tlv,
} from '../path/cert-factory';

const subtle = globalThis.crypto.subtle;
export const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
export const OID_SPC_PE_IMAGE_DATA = '1.3.6.1.4.1.311.2.1.15';
export const OID_NESTED = '1.3.6.1.4.1.311.2.4.1';
const ID_DATA = '1.2.840.113549.1.7.1';
const DIGEST_OIDS = {
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
  'SHA-1': '1.3.14.3.2.26',
} as const;
type Hash = keyof typeof DIGEST_OIDS;

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export interface PeOptions {
  pe32Plus?: boolean;
  /** Bytes of the one section's raw data (a multiple of 0x200 keeps the file aligned). */
  body?: number;
  /** Byte value pattern seed, so that two images differ. */
  seed?: number;
  numberOfRvaAndSizes?: number;
}

/** Offsets of the fields the tests poke at. */
export function offsets(image: Uint8Array) {
  const pe = view(image).getUint32(0x3c, true);
  const optional = pe + 24;
  const plus = view(image).getUint16(optional, true) === 0x20b;
  const directories = optional + (plus ? 112 : 96);
  return {
    pe,
    optional,
    checksum: optional + 64,
    numberOfRvaAndSizes: directories - 4,
    security: directories + 32,
    sectionTable: optional + (plus ? 240 : 224),
  };
}

/** A minimal, loadable-looking PE: DOS header, PE header, one .text section at 0x200. */
export function buildPe(options: PeOptions = {}): Uint8Array {
  const plus = options.pe32Plus ?? true;
  const body = options.body ?? 0x200;
  const optionalSize = plus ? 240 : 224;
  const image = new Uint8Array(0x200 + body);
  const v = view(image);
  image.set([0x4d, 0x5a]);
  v.setUint32(0x3c, 0x40, true);
  image.set([0x50, 0x45, 0, 0], 0x40);
  const coff = 0x44;
  v.setUint16(coff, plus ? 0x8664 : 0x14c, true);
  v.setUint16(coff + 2, 1, true);
  v.setUint16(coff + 16, optionalSize, true);
  v.setUint16(coff + 18, plus ? 0x22 : 0x102, true);
  const opt = coff + 20;
  v.setUint16(opt, plus ? 0x20b : 0x10b, true);
  v.setUint32(opt + 16, 0x1000, true);
  v.setUint32(opt + 32, 0x1000, true);
  v.setUint32(opt + 36, 0x200, true);
  v.setUint32(opt + 56, 0x1000 + Math.ceil(body / 0x1000) * 0x1000, true);
  v.setUint32(opt + 60, 0x200, true);
  v.setUint16(opt + 68, 3, true);
  v.setUint32(opt + (plus ? 108 : 92), options.numberOfRvaAndSizes ?? 16, true);
  const section = opt + optionalSize;
  image.set(new TextEncoder().encode('.text'), section);
  v.setUint32(section + 8, body, true);
  v.setUint32(section + 12, 0x1000, true);
  v.setUint32(section + 16, body, true);
  v.setUint32(section + 20, 0x200, true);
  v.setUint32(section + 36, 0x60000020, true);
  const seed = options.seed ?? 3;
  for (let i = 0; i < body; i++) image[0x200 + i] = (i * 7 + seed) & 0xff;
  return image;
}

/** The image hash, by cutting the skipped fields out of a copy (independent of the code under test). */
export async function imageHash(image: Uint8Array, hash: Hash = 'SHA-256'): Promise<Uint8Array> {
  const o = offsets(image);
  const tableOffset = view(image).getUint32(o.security, true);
  const end = tableOffset === 0 ? image.length : tableOffset;
  const padded = Math.ceil(end / 8) * 8;
  const hashed = concatBytes(
    image.subarray(0, o.checksum),
    image.subarray(o.checksum + 4, o.security),
    image.subarray(o.security + 8, end),
    new Uint8Array(padded - end),
  );
  return new Uint8Array(await subtle.digest(hash, hashed));
}

/** WIN_CERTIFICATE entries appended as the attribute certificate table (the image padded to 8 first). */
export function withTable(
  image: Uint8Array,
  certificates: Uint8Array[],
  entry: { revision?: number; type?: number } = {},
): Uint8Array {
  const start = Math.ceil(image.length / 8) * 8;
  const entries = certificates.map((c) => {
    const length = 8 + c.length;
    const out = new Uint8Array(Math.ceil(length / 8) * 8);
    const v = view(out);
    v.setUint32(0, length, true);
    v.setUint16(4, entry.revision ?? 0x200, true);
    v.setUint16(6, entry.type ?? 2, true);
    out.set(c, 8);
    return out;
  });
  const table = concatBytes(...entries);
  const out = concatBytes(image, new Uint8Array(start - image.length), table);
  const o = offsets(out);
  view(out).setUint32(o.security, start, true);
  view(out).setUint32(o.security + 4, table.length, true);
  return out;
}

/** The table's entries' bCertificate (without padding), for transplanting. */
export function tableOf(image: Uint8Array): { offset: number; size: number } {
  const o = offsets(image);
  return {
    offset: view(image).getUint32(o.security, true),
    size: view(image).getUint32(o.security + 4, true),
  };
}

export interface Pki {
  root: Issued;
  signer: Issued;
  serial: number;
}

export async function makePki(label = 'Authenticode'): Promise<Pki> {
  const root = await makeRoot(`${label} Root`);
  const serial = 1000 + Math.floor(Math.random() * 1e6);
  const signer = await makeLeaf(`${label} Signer`, root, { serial });
  return { root, signer, serial };
}

function setOrder(...members: Uint8Array[]): Uint8Array[] {
  return [...members].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    }
    return a.length - b.length;
  });
}

export interface SignOptions {
  /** The image hash to sign (default: the image's SHA-256 image hash). */
  digest?: Uint8Array;
  /** The DigestInfo's algorithm (default SHA-256). The signer always digests with SHA-256. */
  spcHash?: Hash;
  /** The data type of SpcAttributeTypeAndOptionalValue (default SPC_PE_IMAGE_DATAOBJ). */
  dataType?: string;
  /** Its value, a DER TLV (default an SpcPeImageData SEQUENCE). */
  dataValue?: Uint8Array;
  /** eContentType (default SpcIndirectDataContent); id-data wraps the content in an OCTET STRING. */
  contentType?: string;
  /** ContentInfos nested in the unsigned attribute 1.3.6.1.4.1.311.2.4.1. */
  nested?: Uint8Array[];
  /** Further unsigned attributes (each a DER Attribute SEQUENCE), after the nested ones. */
  unsignedAttributes?: Uint8Array[];
  /** false: no signed attributes, the signature over the content octets itself (RFC 5652 §5.4). */
  signedAttributes?: boolean;
}

/** An Authenticode ContentInfo (SignedData v1 over an SpcIndirectDataContent) by `pki.signer`, ECDSA P-256. */
export async function signImage(image: Uint8Array, pki: Pki, options: SignOptions = {}): Promise<Uint8Array> {
  const spcHash = options.spcHash ?? 'SHA-256';
  const digest = options.digest ?? (await imageHash(image, spcHash === 'SHA-1' ? 'SHA-256' : spcHash));
  const peImageData = options.dataValue ?? seq(tlv(0x03, new Uint8Array([0])));
  const spc = seq(
    seq(oid(options.dataType ?? OID_SPC_PE_IMAGE_DATA), peImageData),
    seq(seq(oid(DIGEST_OIDS[spcHash]), tlv(0x05)), octets(digest)),
  );
  const contentType = options.contentType ?? OID_SPC_INDIRECT_DATA;
  // The message digest covers the SEQUENCE's content octets (id-data: the OCTET STRING's value).
  const spcValue = spc.subarray(headerLength(spc));
  const signedContent = contentType === ID_DATA ? spc : spcValue;
  const messageDigest = new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(signedContent)));
  const signed = setOrder(
    seq(oid('1.2.840.113549.1.9.3'), tlv(0x31, oid(contentType))),
    seq(oid('1.2.840.113549.1.9.4'), tlv(0x31, octets(messageDigest))),
  );
  const withAttributes = options.signedAttributes ?? true;
  const raw = new Uint8Array(
    await subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      pki.signer.keys.privateKey,
      new Uint8Array(withAttributes ? tlv(0x31, ...signed) : signedContent),
    ),
  );
  const sha256 = seq(oid(DIGEST_OIDS['SHA-256']));
  const attributes = [
    ...(options.nested && options.nested.length > 0
      ? [seq(oid(OID_NESTED), tlv(0x31, ...options.nested))]
      : []),
    ...(options.unsignedAttributes ?? []),
  ];
  const unsigned = attributes.length > 0 ? [tlv(0xa1, ...attributes)] : [];
  const signerInfo = seq(
    integer(1),
    seq(name(pki.root.cn), integer(pki.serial)),
    sha256,
    ...(withAttributes ? [tlv(0xa0, ...signed)] : []),
    ECDSA_SHA256,
    octets(rawToDer(raw)),
    ...unsigned,
  );
  const eContent = contentType === ID_DATA ? octets(spc) : spc;
  const signedData = seq(
    integer(1),
    tlv(0x31, sha256),
    seq(oid(contentType), tlv(0xa0, eContent)),
    tlv(0xa0, pki.signer.der),
    tlv(0x31, signerInfo),
  );
  return seq(oid('1.2.840.113549.1.7.2'), tlv(0xa0, signedData));
}

function headerLength(der: Uint8Array): number {
  const first = der[1] as number;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

export const anchorsOf = (pki: Pki) => [{ id: 'root', der: pki.root.der }];
