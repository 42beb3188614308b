/**
 * Builds detached CMS SignedData (RFC 5652) in-process over certificates from the path tests' factory,
 * so that revocation tests control the bag (certificates and CRLs, in any order) byte for byte.
 */
import {
  ECDSA_SHA256,
  type Issued,
  integer,
  name,
  octets,
  oid,
  rawToDer,
  seq,
  tlv,
} from '../verify/path/cert-factory';

const subtle = globalThis.crypto.subtle;
const SHA256 = seq(oid('2.16.840.1.101.3.4.2.1'));
const ID_DATA = '1.2.840.113549.1.7.1';

/** The members of a DER SET OF in order: sorted by their encodings (X.690 11.6). */
export function setOrder(...members: Uint8Array[]): Uint8Array[] {
  return [...members].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    }
    return a.length - b.length;
  });
}

export async function signDetached(spec: {
  content: Uint8Array;
  signer: Issued;
  /** The signer certificate's issuer's common name and the signer's serial (the factory's names are CNs). */
  issuerCn: string;
  serial: number;
  /** The bag, in this order (the signer certificate included where the caller wants it). */
  certificates: Uint8Array[];
  crls?: Uint8Array[];
  /** Unsigned attributes (each a DER Attribute) made from the signer's signature value: timestamps. */
  unsignedAttributes?: (signatureValue: Uint8Array) => Uint8Array[] | Promise<Uint8Array[]>;
  /** Name the signer by this subjectKeyIdentifier (SignerInfo v3) instead of issuer and serial. */
  sidSki?: Uint8Array;
}): Promise<Uint8Array> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(spec.content)));
  const attributes = [
    seq(oid('1.2.840.113549.1.9.3'), tlv(0x31, oid(ID_DATA))),
    seq(oid('1.2.840.113549.1.9.4'), tlv(0x31, octets(digest))),
  ];
  const signed = setOrder(...attributes);
  // The signature covers the attributes as an explicit SET OF; the SignerInfo carries them as [0].
  const signedSet = tlv(0x31, ...signed);
  const raw = new Uint8Array(
    await subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      spec.signer.keys.privateKey,
      new Uint8Array(signedSet),
    ),
  );
  const signatureValue = rawToDer(raw);
  const unsigned = spec.unsignedAttributes ? await spec.unsignedAttributes(signatureValue) : [];
  const signerInfo = seq(
    integer(spec.sidSki ? 3 : 1),
    spec.sidSki ? tlv(0x80, spec.sidSki) : seq(name(spec.issuerCn), integer(spec.serial)),
    SHA256,
    tlv(0xa0, ...signed),
    ECDSA_SHA256,
    octets(signatureValue),
    ...(unsigned.length > 0 ? [tlv(0xa1, ...unsigned)] : []),
  );
  const signedData = seq(
    integer(spec.sidSki ? 3 : 1),
    tlv(0x31, SHA256),
    seq(oid(ID_DATA)),
    // No certificates field at all when the bag is empty (a kernel module's PKCS#7 carries none).
    ...(spec.certificates.length > 0 ? [tlv(0xa0, ...spec.certificates)] : []),
    ...(spec.crls && spec.crls.length > 0 ? [tlv(0xa1, ...spec.crls)] : []),
    tlv(0x31, signerInfo),
  );
  return seq(oid('1.2.840.113549.1.7.2'), tlv(0xa0, signedData));
}
