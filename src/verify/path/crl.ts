import { bytesEqual, toHex } from '../../encoding';
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
  parseNested,
  sequence,
  TAG,
} from '../der';
import { sha256 } from '../sync-hash';
import { type GeneralName, parseGeneralName, parseGeneralNames } from './general-names';
import { parseName, parseRdn, rdnKey, type X500Name } from './names';

/** Strict parsing of an X.509 CRL (RFC 5280 §5) into what revocation checking needs. */

const CRL_EXT = {
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  authorityKeyIdentifier: '2.5.29.35',
  issuerAltName: '2.5.29.18',
  freshestCrl: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;
const ENTRY_EXT = {
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
  holdInstructionCode: '2.5.29.23',
} as const;
/** Extensions a CRL or one of its entries may carry (real ones carry a handful). */
const MAX_EXTENSIONS = 64;
const KNOWN_CRL_EXT: ReadonlySet<string> = new Set(Object.values(CRL_EXT));
const KNOWN_ENTRY_EXT: ReadonlySet<string> = new Set(Object.values(ENTRY_EXT));

export interface IssuingDistributionPoint {
  fullName: GeneralName[] | null;
  /** Canonical RDN key of nameRelativeToCRLIssuer, if used. */
  relativeName: string | null;
  onlyContainsUserCerts: boolean;
  onlyContainsCACerts: boolean;
  /** ReasonFlags bits (1..8) this CRL covers; null for all. */
  onlySomeReasons: Set<number> | null;
  indirectCrl: boolean;
  onlyContainsAttributeCerts: boolean;
}

export interface RevokedEntry {
  revocationDate: Date;
  reasonCode: number | null;
}

export interface ParsedCrl {
  sha256Hex: string;
  tbs: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signatureValue: Uint8Array;
  issuerName: X500Name;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Keyed by `revokedKey(certificate issuer canonical name, serial number hex)`. */
  revoked: Map<string, RevokedEntry>;
  crlNumber: string | null;
  baseCrlNumber: string | null;
  idp: IssuingDistributionPoint | null;
  /** Why the CRL cannot be relied on (unknown critical extension, CRL number problems), or null. */
  unusable: string | null;
}

function readExtensions(node: DerNode): Array<{ oid: string; critical: boolean; value: Uint8Array }> {
  if (countChildren(expectTag(node, TAG.SEQUENCE, 'Extensions')) > MAX_EXTENSIONS)
    fail(`more than ${MAX_EXTENSIONS} extensions`);
  const list = sequence(node, 'Extensions');
  if (list.length === 0) fail('empty Extensions');
  const out: Array<{ oid: string; critical: boolean; value: Uint8Array }> = [];
  const seen = new Set<string>();
  for (const extNode of list) {
    const parts = sequence(extNode, 'Extension');
    const oid = decodeOid(parts[0]);
    let j = 1;
    let critical = false;
    if (parts[j]?.tag === TAG.BOOLEAN) {
      critical = decodeBoolean(parts[j] as DerNode);
      j++;
    }
    const value = expectTag(parts[j++], TAG.OCTET_STRING, 'extnValue').value;
    if (j !== parts.length) fail('Extension has extra fields');
    if (seen.has(oid)) fail(`extension ${oid} appears twice`);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

function reasonFlags(node: DerNode): Set<number> {
  const { bytes } = decodeBitString({ ...node, tag: TAG.BIT_STRING });
  const set = new Set<number>();
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    if (((bytes[bit >> 3] as number) >> (7 - (bit & 7))) & 1) set.add(bit);
  }
  return set;
}

function parseIdp(value: Uint8Array): IssuingDistributionPoint {
  const idp: IssuingDistributionPoint = {
    fullName: null,
    relativeName: null,
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    onlySomeReasons: null,
    indirectCrl: false,
    onlyContainsAttributeCerts: false,
  };
  const flag = (n: DerNode): boolean => decodeBoolean({ ...n, tag: TAG.BOOLEAN });
  for (const part of sequence(parseNested(value), 'IssuingDistributionPoint')) {
    switch (part.tag) {
      case 0xa0: {
        const [name] = children(part);
        if (!name) fail('empty distributionPoint');
        if (name.tag === 0xa0) idp.fullName = children(name).map(parseGeneralName);
        else if (name.tag === 0xa1) idp.relativeName = rdnKey(parseRdn(name));
        else fail('bad DistributionPointName');
        break;
      }
      case 0x81:
        idp.onlyContainsUserCerts = flag(part);
        break;
      case 0x82:
        idp.onlyContainsCACerts = flag(part);
        break;
      case 0x83:
        idp.onlySomeReasons = reasonFlags(part);
        break;
      case 0x84:
        idp.indirectCrl = flag(part);
        break;
      case 0x85:
        idp.onlyContainsAttributeCerts = flag(part);
        break;
      default:
        fail('bad IssuingDistributionPoint field');
    }
  }
  return idp;
}

export const revokedKey = (issuerCanonical: string, serialHex: string): string =>
  `${serialHex}@${issuerCanonical}`;

export const CRL_REASON = { certificateHold: 6, removeFromCRL: 8 } as const;

/**
 * CRL reasons that say nothing of a compromised key (affiliationChanged, superseded,
 * cessationOfOperation, privilegeWithdrawn): a revocation for one of these dated after a signature's
 * trusted time does not reach back to it. Every other reason (unspecified, keyCompromise, cACompromise,
 * certificateHold, aACompromise, or none given) revokes whatever the date, since a compromise may
 * predate the day it was reported.
 */
const NO_COMPROMISE_REASONS: ReadonlySet<number> = new Set([3, 4, 5, 9]);

/** Whether an entry revokes the certificate for what it signed at `validationTime`. */
export function revokesAt(
  entry: { revocationDate: Date; reasonCode: number | null },
  validationTime: Date,
): boolean {
  if (entry.reasonCode === CRL_REASON.removeFromCRL) return false;
  if (entry.revocationDate > validationTime && entry.reasonCode !== null) {
    return !NO_COMPROMISE_REASONS.has(entry.reasonCode);
  }
  return true;
}

/** Of two entries for one certificate, the one that revokes more: any date over some, then the earlier. */
function strongerEntry(a: RevokedEntry, b: RevokedEntry): RevokedEntry {
  const rank = (e: RevokedEntry) =>
    e.reasonCode === CRL_REASON.removeFromCRL
      ? 0
      : e.reasonCode !== null && NO_COMPROMISE_REASONS.has(e.reasonCode)
        ? 1
        : 2;
  if (rank(a) !== rank(b)) return rank(a) > rank(b) ? a : b;
  return a.revocationDate <= b.revocationDate ? a : b;
}

/** Parses a DER CRL, or returns null when it is not a well-formed CRL. */
export function parseCrl(input: Uint8Array): ParsedCrl | null {
  try {
    return parseStrict(new Uint8Array(input));
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

function parseStrict(der: Uint8Array): ParsedCrl {
  const top = sequence(parseDer(der), 'CertificateList');
  if (top.length !== 3) fail('CertificateList must have three fields');
  const tbsNode = expectTag(top[0], TAG.SEQUENCE, 'TBSCertList');
  const sigAlg = expectTag(top[1], TAG.SEQUENCE, 'signatureAlgorithm');
  const sig = decodeBitString(top[2]);
  if (sig.unused !== 0) fail('signature has unused bits');
  const tbs = children(tbsNode);
  let i = 0;
  let version = 1;
  if (tbs[i]?.tag === TAG.INTEGER) {
    const v = decodeSmallInt(tbs[i++]);
    if (v !== 1) fail('unknown CRL version');
    version = 2;
  }
  const inner = expectTag(tbs[i++], TAG.SEQUENCE, 'signature');
  if (!bytesEqual(inner.raw, sigAlg.raw)) fail('signature algorithm differs from the one in TBSCertList');
  const issuerName = parseName(tbs[i++]);
  const thisUpdate = decodeTime(tbs[i++]);
  let nextUpdate: Date | null = null;
  if (tbs[i]?.tag === TAG.UTC_TIME || tbs[i]?.tag === TAG.GENERALIZED_TIME) nextUpdate = decodeTime(tbs[i++]);
  let unusable: string | null = null;
  const revoked = new Map<string, RevokedEntry>();
  let entryIssuer = issuerName.canonical;
  let namesOtherIssuer = false;
  if (tbs[i]?.tag === TAG.SEQUENCE) {
    for (const entry of sequence(tbs[i++], 'revokedCertificates')) {
      const parts = sequence(entry, 'revokedCertificate');
      const serial = toHex(expectTag(parts[0], TAG.INTEGER, 'userCertificate').value);
      const revocationDate = decodeTime(parts[1]);
      let reasonCode: number | null = null;
      if (parts[2]) {
        if (version !== 2) fail('entry extensions need a v2 CRL');
        for (const ext of readExtensions(parts[2])) {
          if (ext.oid === ENTRY_EXT.reasonCode) {
            reasonCode = decodeSmallInt(parseNested(ext.value), TAG.ENUMERATED);
          } else if (ext.oid === ENTRY_EXT.certificateIssuer) {
            // Applies to this entry and the following ones (RFC 5280 5.3.3).
            const dn = parseGeneralNames(parseNested(ext.value)).find((n) => n.kind === 'directoryName');
            if (dn?.kind !== 'directoryName') fail('certificateIssuer without a directoryName');
            entryIssuer = dn.name.canonical;
            namesOtherIssuer = true;
          } else if (ext.critical && !KNOWN_ENTRY_EXT.has(ext.oid)) {
            unusable = `unknown critical CRL entry extension ${ext.oid}`;
          }
        }
      }
      if (parts.length > 3) fail('revokedCertificate has extra fields');
      const key = revokedKey(entryIssuer, serial);
      const listed: RevokedEntry = { revocationDate, reasonCode };
      const earlier = revoked.get(key);
      if (earlier) {
        // One certificate listed twice is malformed (RFC 5280 5.1.2.6 lists each once). The CRL then
        // covers nothing, but the CA did sign both entries: the one that revokes more is kept, so that a
        // second entry (say "superseded" after "keyCompromise") cannot soften the first.
        unusable ??= `serial ${serial} is listed twice`;
        revoked.set(key, strongerEntry(earlier, listed));
      } else {
        revoked.set(key, listed);
      }
    }
  }
  let crlNumber: string | null = null;
  let baseCrlNumber: string | null = null;
  let idp: IssuingDistributionPoint | null = null;
  if (tbs[i]?.tag === 0xa0) {
    if (version !== 2) fail('extensions need a v2 CRL');
    const [list] = children(tbs[i++] as DerNode);
    if (!list) fail('empty crlExtensions');
    for (const ext of readExtensions(list)) {
      if (ext.oid === CRL_EXT.crlNumber) {
        crlNumber = toHex(expectTag(parseNested(ext.value), TAG.INTEGER, 'CRLNumber').value);
        if (ext.critical) unusable = 'the CRLNumber extension is critical (RFC 5280 5.2.3)';
      } else if (ext.oid === CRL_EXT.deltaCrlIndicator) {
        baseCrlNumber = toHex(expectTag(parseNested(ext.value), TAG.INTEGER, 'BaseCRLNumber').value);
      } else if (ext.oid === CRL_EXT.issuingDistributionPoint) {
        idp = parseIdp(ext.value);
      } else if (ext.critical && !KNOWN_CRL_EXT.has(ext.oid)) {
        unusable = `unknown critical CRL extension ${ext.oid}`;
      }
    }
  }
  if (i !== tbs.length) fail('TBSCertList has extra fields');
  if (namesOtherIssuer && !idp?.indirectCrl)
    unusable ??= 'certificateIssuer entries in a CRL that is not indirect';
  if (crlNumber === null && unusable === null) unusable = 'the CRL has no CRLNumber (RFC 5280 5.2.3)';
  return {
    sha256Hex: toHex(sha256(der)),
    tbs: tbsNode.raw,
    signatureAlgorithm: sigAlg.raw,
    signatureValue: sig.bytes,
    issuerName,
    thisUpdate,
    nextUpdate,
    revoked,
    crlNumber,
    baseCrlNumber,
    idp,
    unusable,
  };
}
