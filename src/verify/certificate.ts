import { bytesEqual, toHex } from '../encoding';
/**
 * Strict X.509 certificate parsing (RFC 5280 §4) with a DER reader of our own (`der.ts`): BER, trailing
 * bytes, unknown versions, bad serial numbers, mismatched signature algorithms and duplicate extensions
 * are refused here, so the path code only ever sees well-formed certificates.
 *
 * `parseCertificate` is synchronous: the SHA-256 fingerprints come from a synchronous SHA-256
 * (`sync-hash.ts`); signatures are never checked here (that is `verifySignature`'s job).
 */
import {
  children,
  countChildren,
  DerError,
  type DerNode,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  expectTag,
  fail,
  parseDer,
  sequence,
  TAG,
} from './der';
import {
  emptyExtensions,
  MUST_BE_CRITICAL,
  MUST_BE_NON_CRITICAL,
  type ParsedExtensions,
  parseExtensionValue,
  type RawExtension,
  UNDERSTOOD,
} from './path/extensions';
import { sanSyntaxError, subtreeSyntaxError } from './path/name-syntax';
import { parseName, type X500Name } from './path/names';
import { type Reason, reason } from './reasons';
import { sha256 } from './sync-hash';

export type { KeyUsageBit, ParsedExtensions } from './path/extensions';
export type { GeneralName } from './path/general-names';
export type { X500Name } from './path/names';

export interface ParsedCertificate {
  der: Uint8Array;
  /** DER of TBSCertificate: the signed bytes. */
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  /** Contents octets of the serial number INTEGER (two's complement, minimal). */
  serial: Uint8Array;
  serialHex: string;
  /** RFC 4514-style display of the subject / issuer. */
  subject: string;
  issuer: string;
  /** Canonical comparison forms: equal names have equal strings. */
  subjectCanonical: string;
  issuerCanonical: string;
  subjectName: X500Name;
  issuerName: X500Name;
  /** DER of the subject / issuer Name. */
  subjectRaw: Uint8Array;
  issuerRaw: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  spkiAlgorithmOid: string;
  /** Lower-case hex SHA-256 of the certificate DER / of the SPKI DER. */
  sha256Hex: string;
  spkiSha256Hex: string;
  /** DER AlgorithmIdentifier of the signature. */
  signatureAlgorithm: Uint8Array;
  signatureAlgorithmOid: string;
  signatureValue: Uint8Array;
  extensions: ParsedExtensions;
  /** Every extension as found (OID, criticality, DER value). */
  rawExtensions: RawExtension[];
  /** Critical extensions this verifier does not process. */
  unknownCriticalExtensions: string[];
  /**
   * RFC 5280 profile rules the certificate breaks without being unreadable (keyCertSign without cA,
   * critical AKI/SKI/AIA, malformed SAN or name-constraint names, an empty subject without a critical
   * SAN, ...). Path validation fails any path that uses the certificate with CERT_MALFORMED; keeping
   * the certificate parseable lets that path be reported ("rejected", with the reason) instead of the
   * certificate silently disappearing from path building.
   */
  profileProblems: string[];
  /** Issuer name equals subject name (RFC 5280 "self-issued"). */
  selfIssued: boolean;
}

/**
 * Why a certificate cannot be used. `unreadable` when the bytes are not an X.509 Certificate at all (not
 * DER, or not the ASN.1 of RFC 5280 §4.1): no verifier could say which certificate they are, and a
 * signature that carries one cannot be read. Otherwise the certificate is readable but breaks a rule of
 * the profile (a duplicate extension, a negative serial, ...): a verdict names that defect.
 */
export interface CertificateParseError {
  error: Reason;
  unreadable: boolean;
}

export type CertificateParseResult = ParsedCertificate | CertificateParseError;

export function isParseError(r: CertificateParseResult): r is CertificateParseError {
  return 'error' in r;
}

/** Extensions a certificate may carry: real ones carry up to about fifteen. */
export const MAX_EXTENSIONS = 64;

/** A rule of the RFC 5280 profile broken by a certificate that is otherwise well-formed. */
class ProfileViolation extends Error {}
class DuplicateExtension extends ProfileViolation {}

export interface ParseOptions {
  /**
   * The certificate is a configured trust anchor: the serial-number profile rules (positive, non-zero,
   * at most 20 octets) are waived, since real roots break them (e.g. serial 0) and an anchor's serial
   * plays no part in validation. Every other rule applies.
   */
  trustAnchor?: boolean;
}

export function parseCertificate(der: Uint8Array, options: ParseOptions = {}): CertificateParseResult {
  try {
    return parseStrict(der, options);
  } catch (e) {
    if (e instanceof DuplicateExtension)
      return { error: reason('DUPLICATE_EXTENSION', e.message), unreadable: false };
    if (e instanceof ProfileViolation)
      return { error: reason('CERT_MALFORMED', `certificate is malformed: ${e.message}`), unreadable: false };
    if (e instanceof DerError)
      return { error: reason('CERT_MALFORMED', `certificate is malformed: ${e.message}`), unreadable: true };
    throw e;
  }
}

function parseStrict(input: Uint8Array, options: ParseOptions): ParsedCertificate {
  // Profile rules are checked as the fields go by but reported only once the whole certificate has been
  // read as X.509: a certificate whose ASN.1 is broken is unreadable, whatever rule it also breaks.
  const violations: ProfileViolation[] = [];
  const profile = (message: string): void => {
    violations.push(new ProfileViolation(message));
  };
  const der = new Uint8Array(input);
  const root = parseDer(der);
  const top = sequence(root, 'Certificate');
  if (top.length !== 3) fail('Certificate must have three fields');
  const tbsNode = expectTag(top[0], TAG.SEQUENCE, 'TBSCertificate');
  const sigAlg = expectTag(top[1], TAG.SEQUENCE, 'signatureAlgorithm');
  const sigBits = decodeBitString(top[2]);
  if (sigBits.unused !== 0) profile('signature has unused bits');
  const signatureAlgorithmOid = decodeOid(children(sigAlg)[0]);

  const tbs = children(tbsNode);
  let i = 0;
  let version = 1;
  if (tbs[i]?.tag === 0xa0) {
    const inner = children(tbs[i] as DerNode);
    if (inner.length !== 1) fail('bad version field');
    const v = decodeSmallInt(inner[0]);
    if (v === 0) fail('version 1 must be omitted in DER');
    if (v > 2) profile(`unknown certificate version ${v + 1}`);
    version = v + 1;
    i++;
  }
  const serialNode = expectTag(tbs[i++], TAG.INTEGER, 'serialNumber');
  const serial = serialNode.value;
  if (!options.trustAnchor) checkSerial(serial, profile);
  const innerSigAlg = expectTag(tbs[i++], TAG.SEQUENCE, 'signature');
  if (!bytesEqual(innerSigAlg.raw, sigAlg.raw))
    profile('signature algorithm differs from the one in TBSCertificate');
  const issuerName = parseName(tbs[i++]);
  const validity = sequence(tbs[i++], 'Validity');
  if (validity.length !== 2) fail('Validity must have two times');
  const notBefore = decodeTime(validity[0]);
  const notAfter = decodeTime(validity[1]);
  const subjectName = parseName(tbs[i++]);
  const spkiNode = expectTag(tbs[i++], TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  const spkiParts = children(spkiNode);
  if (spkiParts.length !== 2) fail('SubjectPublicKeyInfo must have two fields');
  const spkiAlgorithmOid = decodeOid(sequence(spkiParts[0], 'AlgorithmIdentifier')[0]);
  decodeBitString(spkiParts[1]);

  for (const tag of [0x81, 0x82]) {
    if (tbs[i]?.tag === tag) {
      if (version < 2) profile('unique identifiers need version 2 or 3');
      i++;
    }
  }
  const extensions = emptyExtensions();
  const rawExtensions: RawExtension[] = [];
  if (tbs[i]?.tag === 0xa3) {
    if (version !== 3) profile('extensions need version 3');
    const wrapper = children(tbs[i] as DerNode);
    if (wrapper.length !== 1) fail('bad extensions field');
    const extensionsNode = expectTag(wrapper[0], TAG.SEQUENCE, 'Extensions');
    if (countChildren(extensionsNode) > MAX_EXTENSIONS) fail(`more than ${MAX_EXTENSIONS} extensions`);
    const list = children(extensionsNode);
    if (list.length === 0) fail('empty Extensions');
    const seen = new Set<string>();
    for (const extNode of list) {
      const parts = sequence(extNode, 'Extension');
      const oid = decodeOid(parts[0]);
      let j = 1;
      let critical = false;
      if (parts[j]?.tag === TAG.BOOLEAN) {
        critical = decodeBoolean(parts[j] as DerNode);
        if (!critical) fail('critical FALSE must be omitted in DER');
        j++;
      }
      const value = expectTag(parts[j++], TAG.OCTET_STRING, 'extnValue').value;
      if (j !== parts.length) fail('Extension has extra fields');
      if (seen.has(oid)) violations.push(new DuplicateExtension(`extension ${oid} appears twice`));
      seen.add(oid);
      rawExtensions.push({ oid, critical, value });
    }
    i++;
  }
  if (i !== tbs.length) fail('TBSCertificate has extra fields');

  const unknownCriticalExtensions: string[] = [];
  const profileProblems: string[] = [];
  for (const ext of rawExtensions) {
    if (ext.critical && MUST_BE_NON_CRITICAL.has(ext.oid))
      profileProblems.push(`extension ${ext.oid} must not be critical`);
    if (!ext.critical && MUST_BE_CRITICAL.has(ext.oid))
      profileProblems.push(`extension ${ext.oid} must be critical`);
    try {
      parseExtensionValue(ext, extensions);
    } catch (e) {
      // A malformed extension we do not know and that is not critical is ignored, as RFC 5280 allows;
      // a malformed known extension is a malformed certificate.
      if (
        e instanceof DerError &&
        (UNDERSTOOD.has(ext.oid) || MUST_BE_NON_CRITICAL.has(ext.oid) || ext.critical)
      ) {
        profile(`extension ${ext.oid}: ${e.message}`);
      }
      if (!(e instanceof DerError)) throw e;
    }
    if (ext.critical && !UNDERSTOOD.has(ext.oid)) unknownCriticalExtensions.push(ext.oid);
  }

  if (issuerName.isEmpty) profile('issuer name is empty');
  if (subjectName.isEmpty) {
    if (!extensions.subjectAltName) profileProblems.push('empty subject without subjectAltName');
    else if (!extensions.subjectAltNameCritical)
      profileProblems.push('empty subject needs a critical subjectAltName');
  }
  const bc = extensions.basicConstraints;
  if (bc && bc.pathLen !== null && !bc.cA) profileProblems.push('pathLenConstraint without cA');
  if (extensions.keyUsage?.has('keyCertSign') && !bc?.cA)
    profileProblems.push('keyCertSign asserted without basicConstraints cA');
  for (const name of extensions.subjectAltName ?? []) {
    const error = sanSyntaxError(name);
    if (error) profileProblems.push(`subjectAltName: ${error}`);
  }
  const nc = extensions.nameConstraints;
  for (const subtree of [...(nc?.permitted ?? []), ...(nc?.excluded ?? [])]) {
    const error = subtreeSyntaxError(subtree.base);
    if (error) profileProblems.push(`nameConstraints: ${error}`);
  }

  if (violations[0]) throw violations[0];
  const spki = spkiNode.raw;
  return {
    der,
    tbs: tbsNode.raw,
    version,
    serial,
    serialHex: toHex(serial),
    subject: subjectName.display,
    issuer: issuerName.display,
    subjectCanonical: subjectName.canonical,
    issuerCanonical: issuerName.canonical,
    subjectName,
    issuerName,
    subjectRaw: subjectName.raw,
    issuerRaw: issuerName.raw,
    notBefore,
    notAfter,
    spki,
    spkiAlgorithmOid,
    sha256Hex: toHex(sha256(der)),
    spkiSha256Hex: toHex(sha256(spki)),
    signatureAlgorithm: sigAlg.raw,
    signatureAlgorithmOid,
    signatureValue: sigBits.bytes,
    extensions,
    rawExtensions,
    unknownCriticalExtensions,
    profileProblems,
    selfIssued: issuerName.canonical === subjectName.canonical,
  };
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets. */
function checkSerial(serial: Uint8Array, profile: (message: string) => void): void {
  if (serial.length > 20) profile('serial number longer than 20 octets');
  if (((serial[0] as number) & 0x80) !== 0) profile('negative serial number');
  if (serial.every((b) => b === 0)) profile('serial number zero');
}
