import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * What an attacker can make for free: a fresh self-signed P-256 root, a code-signing leaf under it, and a
 * detached CMS signature of an artifact by that leaf (DER). No trust store knows the root, so `/verify`
 * answers `unknown_root` and escalates it. Made in-process with WebCrypto and pkijs, nothing outside the repo.
 */

const subtle = globalThis.crypto.subtle;
const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

const newKeys = () =>
  subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]) as Promise<CryptoKeyPair>;

function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });
}

/** keyUsage bits as a DER BIT STRING: digitalSignature (bit 0) or keyCertSign + cRLSign (bits 5, 6). */
function keyUsage(ca: boolean): pkijs.Extension {
  const bits = ca ? new Uint8Array([0x06]) : new Uint8Array([0x80]);
  return new pkijs.Extension({
    extnID: '2.5.29.15',
    critical: true,
    extnValue: new asn1js.BitString({ valueHex: bits, unusedBits: ca ? 1 : 7 }).toBER(false),
  });
}

async function certificate(spec: {
  cn: string;
  issuerCn: string;
  serial: number;
  keys: CryptoKeyPair;
  signer: CryptoKey;
  ca: boolean;
}): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: spec.serial });
  cert.issuer = name(spec.issuerCn);
  cert.subject = name(spec.cn);
  cert.notBefore.value = new Date('2025-01-01T00:00:00Z');
  cert.notAfter.value = new Date('2035-01-01T00:00:00Z');
  await cert.subjectPublicKeyInfo.importKey(spec.keys.publicKey);
  const basic = new pkijs.BasicConstraints({ cA: spec.ca });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: basic.toSchema().toBER(false) }),
    keyUsage(spec.ca),
    ...(spec.ca
      ? []
      : [
          new pkijs.Extension({
            extnID: '2.5.29.37',
            extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [CODE_SIGNING] }).toSchema().toBER(false),
          }),
        ]),
  ];
  await cert.sign(spec.signer, 'SHA-256');
  return cert;
}

export interface MintedSignature {
  /** Detached CMS SignedData (DER) over the artifact. */
  signature: Uint8Array;
  rootSubject: string;
}

/** A detached signature of `artifact` by a leaf under a brand-new self-signed root named `CN=<label>`. */
export async function signUnderMintedRoot(
  artifact: Uint8Array<ArrayBuffer>,
  label: string,
): Promise<MintedSignature> {
  const rootKeys = await newKeys();
  const leafKeys = await newKeys();
  const rootCn = `${label} Root`;
  const root = await certificate({
    cn: rootCn,
    issuerCn: rootCn,
    serial: 1,
    keys: rootKeys,
    signer: rootKeys.privateKey,
    ca: true,
  });
  const leaf = await certificate({
    cn: `${label} Code Signing`,
    issuerCn: rootCn,
    serial: 2,
    keys: leafKeys,
    signer: rootKeys.privateKey,
    ca: false,
  });
  const digest = await subtle.digest('SHA-256', artifact);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_DATA }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: CONTENT_TYPE,
              values: [new asn1js.ObjectIdentifier({ value: ID_DATA })],
            }),
            new pkijs.Attribute({
              type: MESSAGE_DIGEST,
              values: [new asn1js.OctetString({ valueHex: digest })],
            }),
          ],
        }),
      }),
    ],
    certificates: [leaf, root],
  });
  await signed.sign(leafKeys.privateKey, 0, 'SHA-256', artifact);
  const contentInfo = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signed.toSchema(true) });
  return { signature: new Uint8Array(contentInfo.toSchema().toBER(false)), rootSubject: `CN=${rootCn}` };
}
