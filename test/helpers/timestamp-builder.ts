/**
 * Builds timestamps in-process over certificates from the path tests' factory: RFC 3161 tokens (for
 * id-aa-signatureTimeStampToken or Microsoft's 1.3.6.1.4.1.311.3.3.1) and legacy PKCS#9
 * countersignatures as Authenticode writes them, each as the DER Attribute a SignerInfo carries unsigned.
 */
import { type Issued, integer, name, octets, oid, rawToDer, seq, tlv } from '../verify/path/cert-factory';
import { setOrder } from './cms-builder';

const subtle = globalThis.crypto.subtle;
const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const SHA1_OID = '1.3.14.3.2.26';
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const ECDSA_SHA1 = seq(oid('1.2.840.10045.4.1'));
const ID_DATA = '1.2.840.113549.1.7.1';
const ID_TST_INFO = '1.2.840.113549.1.9.16.1.4';

export const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
export const OID_MS_TIMESTAMP_TOKEN = '1.3.6.1.4.1.311.3.3.1';
export const OID_COUNTERSIGNATURE = '1.2.840.113549.1.9.6';
export const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

export const attribute = (type: string, ...values: Uint8Array[]): Uint8Array =>
  seq(oid(type), tlv(0x31, ...values));

function time(d: Date, tag: 0x17 | 0x18): Uint8Array {
  const iso = d.toISOString();
  const s = `${iso.slice(tag === 0x17 ? 2 : 0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(tag, new TextEncoder().encode(s));
}
export const utcTime = (d: Date) => time(d, 0x17);
export const generalizedTime = (d: Date) => time(d, 0x18);

const sha = async (hash: 'SHA-256' | 'SHA-1', data: Uint8Array) =>
  new Uint8Array(await subtle.digest(hash, new Uint8Array(data)));

/** A DER SignerInfo (version 1, issuer and serial) over `signedAttributes`, with ECDSA P-256. */
async function signerInfo(spec: {
  signer: Issued;
  issuerCn: string;
  serial: number;
  signedAttributes: Uint8Array[];
  sha1?: boolean;
}): Promise<Uint8Array> {
  const signed = setOrder(...spec.signedAttributes);
  const raw = new Uint8Array(
    await subtle.sign(
      { name: 'ECDSA', hash: spec.sha1 ? 'SHA-1' : 'SHA-256' },
      spec.signer.keys.privateKey,
      new Uint8Array(tlv(0x31, ...signed)),
    ),
  );
  return seq(
    integer(1),
    seq(name(spec.issuerCn), integer(spec.serial)),
    seq(oid(spec.sha1 ? SHA1_OID : SHA256_OID)),
    tlv(0xa0, ...signed),
    spec.sha1 ? ECDSA_SHA1 : ECDSA_SHA256,
    octets(rawToDer(raw)),
  );
}

export interface TsaSpec {
  tsa: Issued;
  /** The TSA certificate's issuer's common name and its serial. */
  issuerCn: string;
  serial: number;
}

/**
 * A legacy countersignature over `signatureValue`: contentType id-data, signingTime, messageDigest,
 * as signtool /t writes them. Each can be left out or changed.
 */
export async function countersignature(
  spec: TsaSpec & {
    signatureValue: Uint8Array;
    time: Date | null;
    contentType?: string | null;
    sha1?: boolean;
  },
): Promise<Uint8Array> {
  const hash = spec.sha1 ? 'SHA-1' : 'SHA-256';
  const contentType = spec.contentType === undefined ? ID_DATA : spec.contentType;
  const attributes = [
    ...(contentType ? [attribute('1.2.840.113549.1.9.3', oid(contentType))] : []),
    ...(spec.time ? [attribute('1.2.840.113549.1.9.5', utcTime(spec.time))] : []),
    attribute('1.2.840.113549.1.9.4', octets(await sha(hash, spec.signatureValue))),
  ];
  return signerInfo({ ...spec, signer: spec.tsa, signedAttributes: attributes, sha1: spec.sha1 ?? false });
}

/**
 * An RFC 3161 TimeStampToken over `signatureValue` (SHA-256 imprint), carrying the TSA certificate and
 * an ESS signing-certificate-v2 attribute naming it.
 */
export async function timestampToken(
  spec: TsaSpec & { signatureValue: Uint8Array; time: Date; certificates: Uint8Array[] },
): Promise<Uint8Array> {
  const tstInfo = seq(
    integer(1),
    oid('1.3.6.1.4.1.55738.1'),
    seq(seq(oid(SHA256_OID)), octets(await sha('SHA-256', spec.signatureValue))),
    integer(7),
    generalizedTime(spec.time),
  );
  const info = await signerInfo({
    signer: spec.tsa,
    issuerCn: spec.issuerCn,
    serial: spec.serial,
    signedAttributes: [
      attribute('1.2.840.113549.1.9.3', oid(ID_TST_INFO)),
      attribute('1.2.840.113549.1.9.4', octets(await sha('SHA-256', tstInfo))),
      attribute('1.2.840.113549.1.9.16.2.47', seq(seq(seq(octets(await sha('SHA-256', spec.tsa.der)))))),
    ],
  });
  const signedData = seq(
    integer(3),
    tlv(0x31, seq(oid(SHA256_OID))),
    seq(oid(ID_TST_INFO), tlv(0xa0, octets(tstInfo))),
    tlv(0xa0, ...spec.certificates),
    tlv(0x31, info),
  );
  return seq(oid('1.2.840.113549.1.7.2'), tlv(0xa0, signedData));
}
