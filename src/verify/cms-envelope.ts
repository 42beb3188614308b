import { toHex } from '../encoding';
import type { ErrorCode } from '../errors';
import { type BerElement, berChildren, berOctetString, readBerWhole } from './ber';
import { isParseError } from './certificate';
import { parseCertificateMemo } from './certificate-memo';
import {
  checkSetOfOrder,
  children,
  countChildren,
  DerError,
  type DerNode,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  derTry,
  fail,
  parseDer,
  TAG,
} from './der';
import { createBytesMemo } from './memo';
import { readOcspResponse } from './ocsp/response';
import { parseCrl } from './path/crl';
import { parseName } from './path/names';
import { decodePemBlocks, looksLikePem } from './pem';
import { parseTstInfo } from './tst-info';

/**
 * The one reader of CMS SignedData (RFC 5652) for every signature that reaches trustgate: detached and
 * attached signatures, JAR signature blocks and RFC 3161 timestamp tokens.
 *
 * Strict by position. The outer structures may use the BER that RFC 5652 allows (indefinite lengths; an
 * attached content as a constructed OCTET STRING), read by `ber.ts`; every part that the standards
 * require in DER (each certificate, each CRL, each SignerInfo with its attributes, every
 * AlgorithmIdentifier) is read by the strict DER reader from the exact bytes received and kept as those
 * bytes, never re-encoded. Versions are checked as §5.1 and §5.3 define them. Sizes and counts are
 * bounded before the work that depends on them, so reading is linear in the input.
 *
 * An input that breaks any of this cannot be read: the answer is a request error (HTTP 422), never a
 * verdict. A certificate that is DER but breaks RFC 5280's profile is kept: the verdict names its defect.
 */

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_DATA = '1.2.840.113549.1.7.1';
/**
 * SpcIndirectDataContent (Authenticode): the one content type whose eContent is read as a DER SEQUENCE
 * rather than an OCTET STRING (PKCS #7 v1.5 `content ANY DEFINED BY contentType`).
 */
export const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
/** Microsoft's unsigned attribute for an RFC 3161 TimeStampToken on an Authenticode signer (SPC_RFC3161_OBJID). */
export const OID_MS_TIMESTAMP_TOKEN = '1.3.6.1.4.1.311.3.3.1';
/** PKCS#9 countersignature (RFC 2985 §5.3.6, RFC 5652 §11.4): a SignerInfo over the signer's signature value. */
export const OID_COUNTERSIGNATURE = '1.2.840.113549.1.9.6';
/** id-ri-ocsp-response (RFC 5940 §4.1): an OtherRevocationInfoFormat whose otherRevInfo is an OCSPResponse. */
export const OID_RI_OCSP_RESPONSE = '1.3.6.1.5.5.7.16.2';

export interface EnvelopeLimits {
  maxSignatureBytes: number;
  maxCertificates: number;
  /**
   * Revocation entries (CRLs and OCSP responses together: the RevocationInfoChoices) an envelope may carry;
   * each is checked against the path, so they cost signature checks.
   */
  maxCrls?: number;
  maxSigners: number;
  /** Attributes in each of a signer's signed and unsigned sets, and values in each attribute. */
  maxAttributes?: number;
}

export const DEFAULT_MAX_CRLS = 32;
/** Real signers use three to eight signed attributes and one or two unsigned ones. */
export const DEFAULT_MAX_ATTRIBUTES = 32;

export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = {
  maxSignatureBytes: 1024 * 1024,
  maxCertificates: 32,
  maxCrls: DEFAULT_MAX_CRLS,
  maxSigners: 1,
  maxAttributes: DEFAULT_MAX_ATTRIBUTES,
};

/**
 * What a timestamp token (RFC 3161 TimeStampToken, a SignedData over a TSTInfo) may hold: it is read
 * here, with its envelope, when a signer carries one.
 */
export const TIMESTAMP_TOKEN_LIMITS: EnvelopeLimits = {
  maxSignatureBytes: 64 * 1024,
  maxCertificates: 8,
  maxCrls: 8,
  maxSigners: 1,
  maxAttributes: DEFAULT_MAX_ATTRIBUTES,
};
export const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';

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
  /**
   * The encapsulated content when the signature is attached, null when detached: the OCTET STRING's value,
   * or for SpcIndirectDataContent the content octets of its SEQUENCE (without tag and length: what the
   * signer's message digest covers, PKCS #7 v1.5 §9.3).
   */
  content: Uint8Array | null;
  /** For SpcIndirectDataContent: the whole SEQUENCE as received (DER), to be read by the Authenticode code. */
  encapsulated?: Uint8Array;
  /** Each certificate exactly as received. */
  certificates: Uint8Array[];
  crls: Uint8Array[];
  /** Each OCSPResponse carried as RevocationInfoChoice other id-ri-ocsp-response (RFC 5940), as received. */
  ocspResponses: Uint8Array[];
  signers: CmsSigner[];
}

export type EnvelopeResult =
  | { ok: true; envelope: CmsEnvelope }
  | { ok: false; code: ErrorCode; detail: string };

/** A refusal with its own code (limits, not SignedData); every other DerError is SIGNATURE_UNREADABLE. */
class EnvelopeRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const refuse = (code: ErrorCode, detail: string): never => {
  throw new EnvelopeRefusal(code, detail);
};

/** Runs `read`, prefixing a DerError's message with where it happened. */
function within<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DerError) throw new DerError(`${where}: ${error.message}`);
    throw error;
  }
}

/** The digestAlgorithms SET names the signers' digest algorithms: one or two in practice. */
const MAX_DIGEST_ALGORITHMS = 8;
const CONTEXT_0 = 0xa0;
const CONTEXT_1 = 0xa1;
const ATTRIBUTE_CERTIFICATE_V1 = 0xa1;
const ATTRIBUTE_CERTIFICATE_V2 = 0xa2;
const SKI_SID = 0x80;
const CONSTRUCTED_OCTET_STRING = TAG.OCTET_STRING | 0x20;

function algorithmOid(node: DerNode | undefined, what: string): string {
  if (!node || node.tag !== TAG.SEQUENCE) fail(`${what} is not an AlgorithmIdentifier`);
  const parts = children(node);
  if (parts.length < 1 || parts.length > 2) fail(`${what} is not an AlgorithmIdentifier`);
  return decodeOid(parts[0]);
}

/**
 * A digest AlgorithmIdentifier: its parameters absent or NULL (RFC 5754 §2), nothing else. Other bytes
 * there would be signed by nobody and change nothing, so a signature could be altered and still verify.
 */
function digestAlgorithmOid(node: DerNode | undefined, what: string): string {
  const oid = algorithmOid(node, what);
  const params = children(node as DerNode)[1];
  if (params && params.tag !== TAG.NULL) fail(`${what} has parameters other than NULL`);
  return oid;
}

/**
 * A signed or unsigned attribute set: SET SIZE (1..MAX) OF SEQUENCE { OID, SET SIZE (1..MAX) OF value },
 * bounded in attributes and values. Values are kept as their DER bytes (copies).
 */
function attributes(
  node: DerNode,
  max: number,
  what: string,
  derOrder: boolean,
): Map<string, Uint8Array[][]> {
  const count = countChildren(node);
  if (count === 0) fail(`${what} are empty`);
  if (count > max) refuse('ATTRIBUTES_LIMIT', `the signer has ${count} ${what}; at most ${max} are read`);
  const list = children(node);
  if (derOrder) checkSetOfOrder(list);
  const map = new Map<string, Uint8Array[][]>();
  for (const attribute of list) {
    if (attribute.tag !== TAG.SEQUENCE) fail(`${what}: an attribute is not a SEQUENCE`);
    const [type, values, ...rest] = children(attribute);
    if (!values || values.tag !== TAG.SET || rest.length > 0)
      fail(`${what}: an attribute has the wrong shape`);
    const oid = decodeOid(type);
    const valueCount = countChildren(values);
    if (valueCount === 0) fail(`${what}: attribute ${oid} has no value`);
    if (valueCount > max)
      refuse('ATTRIBUTES_LIMIT', `attribute ${oid} has ${valueCount} values; at most ${max} are read`);
    const valueNodes = children(values);
    if (derOrder) checkSetOfOrder(valueNodes);
    const occurrences = map.get(oid);
    const copies = valueNodes.map((v) => v.raw.slice());
    if (occurrences) occurrences.push(copies);
    else map.set(oid, [copies]);
  }
  return map;
}

function signerIdentifier(node: DerNode | undefined): SignerIdentifier {
  if (node?.tag === TAG.SEQUENCE) {
    const [issuer, serial, ...rest] = children(node);
    if (!issuer || rest.length > 0) fail('IssuerAndSerialNumber has the wrong shape');
    parseName(issuer);
    if (!serial || serial.tag !== TAG.INTEGER) fail('IssuerAndSerialNumber has no serial number');
    return { kind: 'issuerSerial', issuer: issuer.raw.slice(), serialHex: toHex(serial.value) };
  }
  if (node?.tag === SKI_SID) {
    if (node.value.length === 0) fail('the subject key identifier is empty');
    return { kind: 'ski', skiHex: toHex(node.value) };
  }
  return fail('the signer identifier is neither IssuerAndSerialNumber nor a subject key identifier');
}

/** One SignerInfo (§5.3), in DER. Returns the signer and its version. */
function signerInfo(
  raw: Uint8Array,
  maxAttributes: number,
  readTokens: boolean,
): { signer: CmsSigner; version: number } {
  const node = parseDer(raw);
  if (node.tag !== TAG.SEQUENCE) fail('not a SEQUENCE');
  const parts = children(node);
  let i = 0;
  const version = decodeSmallInt(parts[i++]);
  const sid = signerIdentifier(parts[i++]);
  const expected = sid.kind === 'ski' ? 3 : 1;
  if (version !== expected)
    fail(
      `version ${version} with ${sid.kind === 'ski' ? 'a subject key identifier' : 'issuer and serial'} (must be ${expected})`,
    );
  const digestOid = digestAlgorithmOid(parts[i++], 'digestAlgorithm');
  let signedAttributes: Uint8Array | null = null;
  let signedAttributeValues = new Map<string, Uint8Array[][]>();
  if (parts[i]?.tag === CONTEXT_0) {
    const attrs = parts[i++] as DerNode;
    signedAttributeValues = attributes(attrs, maxAttributes, 'signed attributes', true);
    signedAttributes = attrs.raw.slice();
    signedAttributes[0] = TAG.SET;
  }
  const algorithmNode = parts[i++];
  algorithmOid(algorithmNode, 'signatureAlgorithm');
  const signatureNode = parts[i++];
  if (!signatureNode || signatureNode.tag !== TAG.OCTET_STRING) fail('the signature is not an OCTET STRING');
  let unsignedAttributeValues = new Map<string, Uint8Array[][]>();
  if (parts[i]?.tag === CONTEXT_1)
    unsignedAttributeValues = attributes(parts[i++] as DerNode, maxAttributes, 'unsigned attributes', false);
  if (i !== parts.length) fail('unexpected fields');
  if (readTokens) {
    for (const oid of [OID_TIMESTAMP_TOKEN, OID_MS_TIMESTAMP_TOKEN])
      for (const values of unsignedAttributeValues.get(oid) ?? [])
        for (const token of values) checkTimestampToken(token);
    // A countersignature is a SignerInfo and is read as strictly as one (its own unsigned attributes,
    // countersignatures of countersignatures, are read but never used).
    for (const values of unsignedAttributeValues.get(OID_COUNTERSIGNATURE) ?? [])
      for (const value of values)
        within('the countersignature', () => signerInfo(value, maxAttributes, false));
  }
  return {
    version,
    signer: {
      sid,
      digestAlgorithmOid: digestOid,
      signatureAlgorithm: (algorithmNode as DerNode).raw.slice(),
      signature: signatureNode.value.slice(),
      signedAttributes,
      signedAttributeValues,
      unsignedAttributeValues,
    },
  };
}

/**
 * One DER SignerInfo on its own (a PKCS#9 countersignature's value), read as strictly as those of an
 * envelope; an unreadable one says why.
 */
export function readSignerInfo(
  raw: Uint8Array,
  maxAttributes: number = DEFAULT_MAX_ATTRIBUTES,
): { ok: true; signer: CmsSigner } | { ok: false; detail: string } {
  try {
    return { ok: true, signer: signerInfo(raw, maxAttributes, false).signer };
  } catch (error) {
    if (error instanceof EnvelopeRefusal) return { ok: false, detail: error.detail };
    if (error instanceof DerError) return { ok: false, detail: error.message };
    throw error;
  }
}

/**
 * A timestamp token must read as what RFC 3161 §2.4.2 makes it: a SignedData (in DER, as it sits in a DER
 * SignerInfo) of one signer over a TSTInfo. Whether it is trustworthy is decided later, with the TSA roots.
 */
function checkTimestampToken(token: Uint8Array): void {
  within('the timestamp token', () => {
    const read = parseCmsEnvelope(token, TIMESTAMP_TOKEN_LIMITS, false);
    if (!read.ok) fail(read.detail);
    if (read.envelope.contentType !== OID_TST_INFO || !read.envelope.content)
      fail('it does not encapsulate a TSTInfo');
    within('its TSTInfo', () => parseTstInfo(read.envelope.content as Uint8Array));
  });
}

/**
 * A RevocationInfoChoice `other` ([1] IMPLICIT OtherRevocationInfoFormat, already checked as DER): only
 * id-ri-ocsp-response is read, and its otherRevInfo must be a successful basic OCSPResponse. Returns the
 * OCSPResponse's bytes.
 */
function otherRevocationInfo(raw: Uint8Array, where: string): Uint8Array {
  const [format, info, ...rest] = children(parseDer(raw));
  if (!info || rest.length > 0) fail(`${where} is not an OtherRevocationInfoFormat`);
  const oid = decodeOid(format);
  if (oid !== OID_RI_OCSP_RESPONSE)
    fail(`${where} is revocation information of format ${oid} (only OCSP responses are supported)`);
  const response = readOcspResponse(info.raw);
  if (!response.ok) fail(`${where}: ${response.why}`);
  return info.raw;
}

/** A DER element at `element` of the outer BER: definite and strictly DER, as the caller's exact bytes. */
function derPart(bytes: Uint8Array, element: BerElement, what: string): Uint8Array {
  return within(what, () => {
    if (element.indefinite) fail('indefinite length where DER is required');
    const raw = bytes.subarray(element.start, element.end);
    parseDer(raw);
    return raw;
  });
}

function readSignedData(der: Uint8Array, limits: EnvelopeLimits, readTokens: boolean): CmsEnvelope {
  const maxCrls = limits.maxCrls ?? DEFAULT_MAX_CRLS;
  const maxAttributes = limits.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;

  const contentInfo = within('ContentInfo', () => readBerWhole(der));
  if (contentInfo.tag !== TAG.SEQUENCE) fail('ContentInfo is not a SEQUENCE');
  const [contentTypeElement, explicit, ...extra] = berChildren(der, contentInfo);
  if (!contentTypeElement || extra.length > 0) fail('ContentInfo has the wrong shape');
  const contentType = within('ContentInfo contentType', () =>
    decodeOid(parseDer(derPart(der, contentTypeElement, 'contentType'))),
  );
  if (contentType !== OID_SIGNED_DATA)
    refuse('SIGNATURE_NOT_SIGNED_DATA', `the CMS content type is ${contentType}, not SignedData`);
  if (!explicit || explicit.tag !== CONTEXT_0) fail('ContentInfo has no content');
  const [signedData, ...afterSignedData] = berChildren(der, explicit);
  if (!signedData || afterSignedData.length > 0 || signedData.tag !== TAG.SEQUENCE)
    fail('the content is not one SignedData');

  const parts = within('SignedData', () => berChildren(der, signedData));
  let i = 0;
  const versionElement = parts[i++];
  if (!versionElement) fail('SignedData is empty');
  const version = within('SignedData version', () =>
    decodeSmallInt(parseDer(derPart(der, versionElement, 'version'))),
  );

  const digestAlgorithms = parts[i++];
  if (!digestAlgorithms || digestAlgorithms.tag !== TAG.SET) fail('SignedData has no digestAlgorithms SET');
  const digestList = berChildren(der, digestAlgorithms);
  if (digestList.length > MAX_DIGEST_ALGORITHMS) fail(`more than ${MAX_DIGEST_ALGORITHMS} digestAlgorithms`);
  const digestOids = new Set(
    digestList.map((algorithm) =>
      within('digestAlgorithms', () =>
        digestAlgorithmOid(parseDer(derPart(der, algorithm, 'AlgorithmIdentifier')), 'a digest algorithm'),
      ),
    ),
  );

  const encap = parts[i++];
  if (!encap || encap.tag !== TAG.SEQUENCE) fail('SignedData has no encapContentInfo');
  const [eContentTypeElement, eContentExplicit, ...encapExtra] = berChildren(der, encap);
  if (!eContentTypeElement || encapExtra.length > 0) fail('encapContentInfo has the wrong shape');
  const eContentType = within('eContentType', () =>
    decodeOid(parseDer(derPart(der, eContentTypeElement, 'eContentType'))),
  );
  let content: Uint8Array | null = null;
  let encapsulated: Uint8Array | undefined;
  if (eContentExplicit) {
    if (eContentExplicit.tag !== CONTEXT_0) fail('eContent is not tagged [0]');
    const [octets, ...more] = berChildren(der, eContentExplicit);
    if (!octets || more.length > 0) fail('eContent is not one OCTET STRING');
    if (eContentType === OID_SPC_INDIRECT_DATA && octets.tag === TAG.SEQUENCE) {
      encapsulated = derPart(der, octets, 'SpcIndirectDataContent').slice();
      content = parseDer(encapsulated).value;
    } else {
      if (octets.tag !== TAG.OCTET_STRING && octets.tag !== CONSTRUCTED_OCTET_STRING)
        fail('eContent is not an OCTET STRING');
      content = within('eContent', () => berOctetString(der, octets));
    }
  }

  const certificates: Uint8Array[] = [];
  if (parts[i]?.tag === CONTEXT_0) {
    const choices = within('the certificates', () => berChildren(der, parts[i++] as BerElement));
    if (choices.length > limits.maxCertificates) {
      refuse(
        'CERTIFICATES_LIMIT',
        `the envelope carries ${choices.length} certificates; at most ${limits.maxCertificates} are read`,
      );
    }
    choices.forEach((choice, n) => {
      const where = `certificate ${n + 1} of the envelope`;
      if (choice.indefinite) fail(`${where}: indefinite length where DER is required`);
      // Attribute certificates (CertificateChoices v1AttrCert [1], v2AttrCert [2]) vouch for no key, so
      // no path can use them: read as DER and set aside. Microsoft's RFC 3161 timestamp tokens carry one.
      if (choice.tag === ATTRIBUTE_CERTIFICATE_V1 || choice.tag === ATTRIBUTE_CERTIFICATE_V2) {
        derPart(der, choice, where);
        return;
      }
      if (choice.tag !== TAG.SEQUENCE)
        fail(`${where} is not an X.509 certificate (extended and other certificates are not supported)`);
      const raw = der.slice(choice.start, choice.end);
      // A certificate that breaks the profile is kept (the verdict names its defect); one that is not an
      // X.509 Certificate in DER cannot be read, and neither can the signature that carries it.
      const parsed = parseCertificateMemo(raw);
      if (isParseError(parsed) && parsed.unreadable) fail(`${where}: ${parsed.error.message}`);
      certificates.push(raw);
    });
  }

  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  if (parts[i]?.tag === CONTEXT_1) {
    const choices = within('the CRLs', () => berChildren(der, parts[i++] as BerElement));
    if (choices.length > maxCrls) {
      refuse(
        'CRLS_LIMIT',
        `the envelope carries ${choices.length} CRLs and OCSP responses; at most ${maxCrls} are read`,
      );
    }
    choices.forEach((choice, n) => {
      const where = `revocation entry ${n + 1} of the envelope`;
      if (choice.tag === CONTEXT_1) {
        ocspResponses.push(otherRevocationInfo(derPart(der, choice, where), where).slice());
        return;
      }
      if (choice.tag !== TAG.SEQUENCE)
        fail(`${where} is neither an X.509 CRL nor an OCSP response (other formats are not supported)`);
      const raw = derPart(der, choice, where);
      if (parseCrl(raw) === null) fail(`${where} is not a CertificateList`);
      crls.push(raw.slice());
    });
  }

  const signerInfos = parts[i++];
  if (!signerInfos || signerInfos.tag !== TAG.SET) fail('SignedData has no signerInfos SET');
  if (i !== parts.length) fail('SignedData has unexpected fields');
  const infos = within('the signerInfos', () => berChildren(der, signerInfos));
  if (infos.length === 0) refuse('NO_SIGNERS', 'the SignedData has no signer');
  if (infos.length > limits.maxSigners) {
    refuse(
      'SIGNERS_LIMIT',
      `the envelope has ${infos.length} signers; at most ${limits.maxSigners} ${limits.maxSigners === 1 ? 'is' : 'are'} verified`,
    );
  }
  const read = infos.map((info, n) =>
    within(`SignerInfo ${n + 1}`, () =>
      signerInfo(derPart(der, info, 'SignerInfo'), maxAttributes, readTokens),
    ),
  );

  // The SignedData lists the digest algorithms its signers use (§5.1); OpenSSL, for one, cannot verify a
  // signer whose algorithm is missing there, and neither does this reader let one through.
  for (const { signer } of read) {
    if (!digestOids.has(signer.digestAlgorithmOid))
      fail(
        `the signer's digest algorithm ${signer.digestAlgorithmOid} is not among the SignedData's digestAlgorithms`,
      );
  }
  // RFC 5652 §5.1, for the choices read above: X.509 certificates, X.509 CRLs and, as `other` revocation
  // information, OCSP responses (which make it 5).
  const expectedVersion =
    ocspResponses.length > 0 ? 5 : eContentType !== OID_DATA || read.some((r) => r.version === 3) ? 3 : 1;
  // Authenticode is PKCS #7 v1.5, whose SignedData is version 1 whatever the content type (Authenticode
  // specification, "SignedData"); RFC 5652's own number is accepted too.
  const authenticodeV1 =
    eContentType === OID_SPC_INDIRECT_DATA && version === 1 && read.every((r) => r.version === 1);
  if (version !== expectedVersion && !(authenticodeV1 && ocspResponses.length === 0))
    fail(`SignedData version ${version} (RFC 5652 §5.1 requires ${expectedVersion} here)`);

  return {
    contentType: eContentType,
    content,
    ...(encapsulated ? { encapsulated } : {}),
    certificates,
    crls,
    ocspResponses,
    signers: read.map((r) => r.signer),
  };
}

const PEM_LABELS = ['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA'];

/** The envelope's DER (or BER), taken out of PEM armour when armoured. */
function unarmour(input: Uint8Array): Uint8Array {
  if (!looksLikePem(input)) return input;
  const blocks = decodePemBlocks(new TextDecoder().decode(input)).filter((b) => PEM_LABELS.includes(b.label));
  const block = blocks[0];
  if (!block || blocks.length > 1)
    refuse('SIGNATURE_UNREADABLE', 'the PEM text holds no single PKCS7 or CMS block');
  return (block as { der: Uint8Array }).der;
}

/** Reads a CMS SignedData (BER/DER, or PEM armoured) within limits. Pure; see the file comment. */
export function parseCmsEnvelope(
  input: Uint8Array,
  limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS,
  /** Read the signers' timestamp tokens too (not those inside a token). */
  readTokens = true,
): EnvelopeResult {
  if (input.byteLength === 0) return { ok: false, code: 'SIGNATURE_EMPTY', detail: 'the signature is empty' };
  if (input.byteLength > limits.maxSignatureBytes) {
    return {
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
      detail: `the signature is over ${limits.maxSignatureBytes} bytes`,
    };
  }
  try {
    return { ok: true, envelope: readSignedData(unarmour(input), limits, readTokens) };
  } catch (error) {
    if (error instanceof EnvelopeRefusal) return { ok: false, code: error.code, detail: error.detail };
    if (error instanceof DerError) {
      return {
        ok: false,
        code: 'SIGNATURE_UNREADABLE',
        detail: `the signature is not a well-formed CMS SignedData: ${error.message}`,
      };
    }
    throw error;
  }
}

/**
 * Envelopes remembered by the exact input bytes and the limits (see memo.ts: a hash collision is a miss).
 * The same signature comes back whenever a pipeline verifies it again, and /verify reads each multipart
 * signature twice (once to learn its digest algorithm). Reading is pure, so a remembered answer is what
 * reading again would give; envelopes are shared between requests and frozen, and hold their own copies.
 * Only the parse is remembered: every verification still checks the signature and the path.
 */
export const ENVELOPE_MEMO_ENTRIES = 1024;
const memo = createBytesMemo<EnvelopeResult>({
  maxEntries: ENVELOPE_MEMO_ENTRIES,
  maxInputBytes: 64 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
});

function freeze(result: EnvelopeResult): EnvelopeResult {
  if (!result.ok) return Object.freeze(result);
  const envelope = result.envelope;
  for (const signer of envelope.signers) {
    Object.freeze(signer.sid);
    Object.freeze(signer);
  }
  Object.freeze(envelope.certificates);
  Object.freeze(envelope.crls);
  Object.freeze(envelope.ocspResponses);
  Object.freeze(envelope.signers);
  Object.freeze(envelope);
  return Object.freeze(result);
}

/** `parseCmsEnvelope`, remembered. */
export function readCmsEnvelope(
  input: Uint8Array,
  limits: EnvelopeLimits = DEFAULT_ENVELOPE_LIMITS,
): EnvelopeResult {
  const tag = `${limits.maxSignatureBytes}:${limits.maxCertificates}:${limits.maxCrls ?? DEFAULT_MAX_CRLS}:${limits.maxSigners}:${limits.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES}`;
  return memo(input, tag, () => freeze(parseCmsEnvelope(input, limits)));
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

/** An attribute value, already DER-checked with its SignerInfo, as one node of the wanted tag. */
function attributeValueNode(value: Uint8Array, tag: number): DerNode | null {
  try {
    const node = parseDer(value);
    return node.tag === tag ? node : null;
  } catch (error) {
    if (error instanceof DerError) return null;
    throw error;
  }
}

export function readMessageDigest(signer: CmsSigner): Uint8Array | null {
  const attribute = singleAttribute(signer, OID_MESSAGE_DIGEST);
  if (!attribute.ok) return null;
  const node = attributeValueNode(attribute.value, TAG.OCTET_STRING);
  return node ? node.value.slice() : null;
}

export function readContentTypeAttribute(signer: CmsSigner): string | null {
  const attribute = singleAttribute(signer, OID_CONTENT_TYPE);
  if (!attribute.ok) return null;
  const node = attributeValueNode(attribute.value, TAG.OID);
  return node ? derTry(() => decodeOid(node)) : null;
}

/** The single signingTime signed attribute (RFC 5652 §11.3: UTCTime or GeneralizedTime), or null. */
export function readSigningTime(signer: CmsSigner): Date | null {
  const attribute = singleAttribute(signer, OID_SIGNING_TIME);
  if (!attribute.ok) return null;
  return derTry(() => decodeTime(parseDer(attribute.value)));
}
