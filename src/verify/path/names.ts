import { toHex } from '../../encoding';
import { children, type DerNode, decodeOid, decodeString, expectTag, fail, TAG } from '../der';

/**
 * X.500 names: parsed RDNs, an RFC 4514-style display string, and a canonical form for comparison in
 * the spirit of RFC 5280 §7.1 / RFC 4518: string attributes compare case-insensitively with leading,
 * trailing and repeated inner whitespace ignored, whatever their string type (PrintableString and
 * UTF8String compare equal); other values compare by their DER bytes; AVAs within an RDN are a set.
 */
export interface NameAttribute {
  oid: string;
  /** Decoded text for string types, null for others. */
  text: string | null;
  /** The canonical comparison key of this AVA. */
  key: string;
}

export interface X500Name {
  /** DER of the Name. */
  raw: Uint8Array;
  rdns: NameAttribute[][];
  /** One canonical key per RDN (sorted AVAs joined). */
  rdnKeys: string[];
  /** Canonical form of the whole name: equal names have equal `canonical`. */
  canonical: string;
  /** RFC 4514-ish display (most specific RDN first). */
  display: string;
  isEmpty: boolean;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Display strings are for people and messages: longer ones are cut (canonical forms never are). */
const MAX_DISPLAY = 512;

export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
export const OID_COMMON_NAME = '2.5.4.3';

const STRING_TAGS: ReadonlySet<number> = new Set([
  TAG.UTF8_STRING,
  TAG.PRINTABLE_STRING,
  TAG.IA5_STRING,
  TAG.VISIBLE_STRING,
  TAG.TELETEX_STRING,
  TAG.BMP_STRING,
  TAG.UNIVERSAL_STRING,
  0x12,
]);

export function normalizeString(s: string): string {
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function escape4514(s: string): string {
  let out = s.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * What an attribute value in a name may be: a directory string type, a BIT STRING (x500UniqueIdentifier)
 * or a SEQUENCE; as OpenSSL's X509_NAME reads it. Times, other classes and other types are not names.
 */
const VALUE_TAGS: ReadonlySet<number> = new Set([...STRING_TAGS, TAG.BIT_STRING, TAG.SEQUENCE]);

/** Parses the AVAs of one RDN (a SET, or an implicitly tagged one in a DistributionPointName). */
export function parseRdn(set: DerNode): NameAttribute[] {
  const avas = children(set);
  if (avas.length === 0) fail('empty RDN');
  const attrs: NameAttribute[] = [];
  for (const avaNode of avas) {
    const parts = children(expectTag(avaNode, TAG.SEQUENCE, 'AttributeTypeAndValue'));
    if (parts.length !== 2) fail('AttributeTypeAndValue must have two fields');
    const oid = decodeOid(parts[0]);
    const valueNode = parts[1] as DerNode;
    if (!VALUE_TAGS.has(valueNode.tag))
      fail(`an attribute value of tag 0x${valueNode.tag.toString(16)} in a name`);
    const text = STRING_TAGS.has(valueNode.tag) ? decodeString(valueNode) : null;
    if (STRING_TAGS.has(valueNode.tag) && text === null) fail('undecodable string in a name');
    const key = text !== null ? `${oid}=s:${normalizeString(text)}` : `${oid}=h:${toHex(valueNode.raw)}`;
    attrs.push({ oid, text, key });
  }
  return attrs;
}

export function rdnKey(attrs: NameAttribute[]): string {
  return attrs
    .map((a) => a.key)
    .sort()
    .join('+');
}

/** Canonical form of `base` with one more RDN appended (nameRelativeToCRLIssuer). */
export function canonicalWithRdn(base: X500Name, key: string): string {
  return JSON.stringify([...base.rdnKeys, key]);
}

/** Parses a DER Name node (a SEQUENCE OF RelativeDistinguishedName). Throws DerError when malformed. */
export function parseName(node: DerNode | undefined): X500Name {
  const seq = expectTag(node, TAG.SEQUENCE, 'Name');
  const rdns: NameAttribute[][] = [];
  for (const rdnNode of children(seq)) {
    rdns.push(parseRdn(expectTag(rdnNode, TAG.SET, 'RelativeDistinguishedName')));
  }
  const rdnKeys = rdns.map(rdnKey);
  const display = rdns
    .slice()
    .reverse()
    .map((attrs) =>
      attrs
        .map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${a.text !== null ? escape4514(a.text) : '#'}`)
        .join('+'),
    )
    .join(', ');
  return {
    raw: seq.raw,
    rdns,
    rdnKeys,
    canonical: JSON.stringify(rdnKeys),
    display: display.length > MAX_DISPLAY ? `${display.slice(0, MAX_DISPLAY)}…` : display,
    isEmpty: rdns.length === 0,
  };
}

/** True when `name`'s RDN sequence starts with all of `base`'s RDNs (directoryName subtree match). */
export function nameWithinSubtree(name: X500Name, base: X500Name): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => name.rdnKeys[i] === k);
}

/** Values of one attribute type in a name (emailAddress, CN). */
export function attributeValues(name: X500Name, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.oid === oid && a.text !== null) out.push(a.text);
  return out;
}
