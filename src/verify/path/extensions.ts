import {
  children,
  type DerNode,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  expectTag,
  fail,
  parseNested,
  sequence,
  TAG,
} from '../der';
import { type GeneralName, parseGeneralName, parseGeneralNames } from './general-names';
import { parseRdn, rdnKey } from './names';

export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
} as const;

export const ANY_POLICY = '2.5.29.32.0';
export const ANY_EKU = '2.5.29.37.0';

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

export interface GeneralSubtree {
  base: GeneralName;
}
export interface NameConstraints {
  permitted: GeneralSubtree[] | null;
  excluded: GeneralSubtree[] | null;
}
export interface PolicyInformation {
  oid: string;
  /** DER of the qualifiers, if any. */
  qualifiers: Uint8Array | null;
}
export interface AuthorityKeyIdentifier {
  keyIdentifier: Uint8Array | null;
  authorityCertIssuer: GeneralName[] | null;
  authorityCertSerialNumber: Uint8Array | null;
}
export interface DistributionPoint {
  fullName: GeneralName[] | null;
  /** Canonical RDN key of nameRelativeToCRLIssuer, if used. */
  relativeName: string | null;
  reasons: Uint8Array | null;
  crlIssuer: GeneralName[] | null;
}

export interface ParsedExtensions {
  basicConstraints: { cA: boolean; pathLen: number | null; critical: boolean } | null;
  keyUsage: Set<KeyUsageBit> | null;
  extKeyUsage: string[] | null;
  subjectKeyIdentifier: Uint8Array | null;
  authorityKeyIdentifier: AuthorityKeyIdentifier | null;
  nameConstraints: NameConstraints | null;
  subjectAltName: GeneralName[] | null;
  subjectAltNameCritical: boolean;
  certificatePolicies: PolicyInformation[] | null;
  policyConstraints: { requireExplicitPolicy: number | null; inhibitPolicyMapping: number | null } | null;
  policyMappings: Array<{ issuerDomainPolicy: string; subjectDomainPolicy: string }> | null;
  inhibitAnyPolicy: number | null;
  crlDistributionPoints: DistributionPoint[] | null;
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** Extensions that RFC 5280 says conforming CAs MUST mark non-critical. */
export const MUST_BE_NON_CRITICAL: ReadonlySet<string> = new Set([
  EXT.subjectKeyIdentifier,
  EXT.authorityKeyIdentifier,
  EXT.authorityInfoAccess,
  EXT.subjectInfoAccess,
  EXT.freshestCrl,
]);

/**
 * Extensions that RFC 5280 says conforming CAs MUST mark critical (4.2.1.10): a verifier that skips a
 * non-critical nameConstraints would not apply it, so such a certificate is refused. policyConstraints
 * carries the same MUST (4.2.1.11) but RFC 3280 allowed it non-critical and NIST PKITS (4.8, 4.10, 4.12)
 * expects such paths to validate, so it is processed either way.
 */
export const MUST_BE_CRITICAL: ReadonlySet<string> = new Set([EXT.nameConstraints]);

/** Extensions this verifier processes (or may safely ignore); a critical one outside this set is refused. */
export const UNDERSTOOD: ReadonlySet<string> = new Set([
  EXT.subjectKeyIdentifier,
  EXT.keyUsage,
  EXT.subjectAltName,
  EXT.issuerAltName,
  EXT.basicConstraints,
  EXT.nameConstraints,
  EXT.crlDistributionPoints,
  EXT.certificatePolicies,
  EXT.policyMappings,
  EXT.authorityKeyIdentifier,
  EXT.policyConstraints,
  EXT.extKeyUsage,
  EXT.inhibitAnyPolicy,
]);

function parseSubtrees(node: DerNode): GeneralSubtree[] {
  const items = children(node);
  if (items.length === 0) fail('empty GeneralSubtrees');
  return items.map((item) => {
    const parts = sequence(item, 'GeneralSubtree');
    const base = parseGeneralName(parts[0] ?? fail('GeneralSubtree without base'));
    // RFC 5280: minimum MUST be zero (so absent in DER) and maximum MUST be absent.
    if (parts.length !== 1) fail('GeneralSubtree minimum/maximum are not allowed');
    return { base };
  });
}

function parseDistributionPoints(root: DerNode): DistributionPoint[] {
  const items = sequence(root, 'CRLDistributionPoints');
  if (items.length === 0) fail('empty CRLDistributionPoints');
  return items.map((item) => {
    const dp: DistributionPoint = { fullName: null, relativeName: null, reasons: null, crlIssuer: null };
    for (const part of sequence(item, 'DistributionPoint')) {
      if (part.tag === 0xa0) {
        const [name] = children(part);
        if (!name) fail('empty DistributionPointName');
        if (name.tag === 0xa0) dp.fullName = children(name).map(parseGeneralName);
        else if (name.tag === 0xa1) dp.relativeName = rdnKey(parseRdn(name));
        else fail('bad DistributionPointName');
      } else if (part.tag === 0x81) dp.reasons = part.value;
      else if (part.tag === 0xa2) dp.crlIssuer = children(part).map(parseGeneralName);
      else fail('bad DistributionPoint field');
    }
    return dp;
  });
}

export function emptyExtensions(): ParsedExtensions {
  return {
    basicConstraints: null,
    keyUsage: null,
    extKeyUsage: null,
    subjectKeyIdentifier: null,
    authorityKeyIdentifier: null,
    nameConstraints: null,
    subjectAltName: null,
    subjectAltNameCritical: false,
    certificatePolicies: null,
    policyConstraints: null,
    policyMappings: null,
    inhibitAnyPolicy: null,
    crlDistributionPoints: null,
  };
}

/** Parses one extension's value into `out`. Throws DerError (with a message) when the value is malformed. */
export function parseExtensionValue(ext: RawExtension, out: ParsedExtensions): void {
  const node = (): DerNode => parseNested(ext.value);
  switch (ext.oid) {
    case EXT.basicConstraints: {
      const parts = sequence(node(), 'BasicConstraints');
      let i = 0;
      let cA = false;
      if (parts[i]?.tag === TAG.BOOLEAN) cA = decodeBoolean(parts[i++] as DerNode);
      let pathLen: number | null = null;
      if (parts[i]?.tag === TAG.INTEGER) pathLen = decodeSmallInt(parts[i++]);
      if (i !== parts.length) fail('BasicConstraints has extra fields');
      out.basicConstraints = { cA, pathLen, critical: ext.critical };
      return;
    }
    case EXT.keyUsage: {
      const { bytes } = decodeBitString(node());
      const set = new Set<KeyUsageBit>();
      KEY_USAGE_BITS.forEach((name, bit) => {
        const byte = bytes[bit >> 3] ?? 0;
        if (byte & (0x80 >> (bit & 7))) set.add(name);
      });
      if (set.size === 0) fail('keyUsage with no bit set');
      out.keyUsage = set;
      return;
    }
    case EXT.extKeyUsage: {
      const items = sequence(node(), 'ExtKeyUsageSyntax');
      if (items.length === 0) fail('empty extKeyUsage');
      out.extKeyUsage = items.map((n) => decodeOid(n));
      return;
    }
    case EXT.subjectKeyIdentifier:
      out.subjectKeyIdentifier = expectTag(node(), TAG.OCTET_STRING, 'SubjectKeyIdentifier').value;
      return;
    case EXT.authorityKeyIdentifier: {
      const aki: AuthorityKeyIdentifier = {
        keyIdentifier: null,
        authorityCertIssuer: null,
        authorityCertSerialNumber: null,
      };
      let last = -1;
      for (const part of sequence(node(), 'AuthorityKeyIdentifier')) {
        const n = part.tag & 0x1f;
        if (n <= last) fail('AuthorityKeyIdentifier fields out of order');
        last = n;
        if (part.tag === 0x80) aki.keyIdentifier = part.value;
        else if (part.tag === 0xa1) aki.authorityCertIssuer = children(part).map(parseGeneralName);
        else if (part.tag === 0x82) aki.authorityCertSerialNumber = part.value;
        else fail('bad AuthorityKeyIdentifier field');
      }
      if ((aki.authorityCertIssuer === null) !== (aki.authorityCertSerialNumber === null)) {
        fail('authorityCertIssuer and authorityCertSerialNumber go together');
      }
      out.authorityKeyIdentifier = aki;
      return;
    }
    case EXT.nameConstraints: {
      const nc: NameConstraints = { permitted: null, excluded: null };
      for (const part of sequence(node(), 'NameConstraints')) {
        if (part.tag === 0xa0 && nc.permitted === null && nc.excluded === null)
          nc.permitted = parseSubtrees(part);
        else if (part.tag === 0xa1 && nc.excluded === null) nc.excluded = parseSubtrees(part);
        else fail('bad NameConstraints field');
      }
      if (nc.permitted === null && nc.excluded === null) fail('empty NameConstraints');
      out.nameConstraints = nc;
      return;
    }
    case EXT.subjectAltName:
      out.subjectAltName = parseGeneralNames(node());
      out.subjectAltNameCritical = ext.critical;
      return;
    case EXT.issuerAltName:
      parseGeneralNames(node());
      return;
    case EXT.certificatePolicies: {
      const items = sequence(node(), 'CertificatePolicies');
      if (items.length === 0) fail('empty certificatePolicies');
      const seen = new Set<string>();
      out.certificatePolicies = items.map((item) => {
        const parts = sequence(item, 'PolicyInformation');
        const oid = decodeOid(parts[0]);
        if (seen.has(oid)) fail(`policy ${oid} appears twice`);
        seen.add(oid);
        if (parts.length > 2) fail('PolicyInformation has extra fields');
        const q = parts[1];
        if (q) {
          const qs = sequence(q, 'policyQualifiers');
          if (qs.length === 0) fail('empty policyQualifiers');
          for (const one of qs) decodeOid(sequence(one, 'PolicyQualifierInfo')[0]);
        }
        return { oid, qualifiers: q ? q.raw : null };
      });
      return;
    }
    case EXT.policyConstraints: {
      const pc = {
        requireExplicitPolicy: null as number | null,
        inhibitPolicyMapping: null as number | null,
      };
      for (const part of sequence(node(), 'PolicyConstraints')) {
        if (part.tag === 0x80 && pc.requireExplicitPolicy === null && pc.inhibitPolicyMapping === null) {
          pc.requireExplicitPolicy = decodeSmallInt(part, 0x80);
        } else if (part.tag === 0x81 && pc.inhibitPolicyMapping === null) {
          pc.inhibitPolicyMapping = decodeSmallInt(part, 0x81);
        } else fail('bad PolicyConstraints field');
      }
      if (pc.requireExplicitPolicy === null && pc.inhibitPolicyMapping === null)
        fail('empty PolicyConstraints');
      out.policyConstraints = pc;
      return;
    }
    case EXT.policyMappings: {
      const items = sequence(node(), 'PolicyMappings');
      if (items.length === 0) fail('empty PolicyMappings');
      out.policyMappings = items.map((item) => {
        const parts = sequence(item, 'PolicyMapping');
        if (parts.length !== 2) fail('PolicyMapping must have two OIDs');
        return { issuerDomainPolicy: decodeOid(parts[0]), subjectDomainPolicy: decodeOid(parts[1]) };
      });
      return;
    }
    case EXT.inhibitAnyPolicy:
      out.inhibitAnyPolicy = decodeSmallInt(node());
      return;
    case EXT.crlDistributionPoints:
      out.crlDistributionPoints = parseDistributionPoints(node());
      return;
    case EXT.authorityInfoAccess:
    case EXT.subjectInfoAccess: {
      const items = sequence(node(), 'InfoAccessSyntax');
      if (items.length === 0) fail('empty InfoAccessSyntax');
      for (const item of items) {
        const parts = sequence(item, 'AccessDescription');
        if (parts.length !== 2) fail('AccessDescription must have two fields');
        decodeOid(parts[0]);
        parseGeneralName(parts[1] as DerNode);
      }
      return;
    }
    default:
      return;
  }
}
