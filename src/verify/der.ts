/**
 * A strict DER reader: definite, minimal lengths only, no trailing bytes, minimal INTEGERs, canonical
 * BOOLEANs, well-formed OBJECT IDENTIFIERs of bounded size, universal types in the form DER gives them
 * (SEQUENCE and SET constructed, strings and scalars primitive). Certificates, CRLs, SignerInfos, signed
 * attributes and TSTInfos are read with it, so that a BER encoding can never stand in for the DER bytes
 * that were signed, and every byte from outside is read exactly once, in linear time.
 *
 * Every function returns `null` (or throws `DerError` inside `derTry`) on malformed input; nothing here
 * allocates more than the input.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
} as const;

export class DerError extends Error {}

/** One TLV. `tag` is the full identifier octet (class, constructed bit and low tag number). */
export interface DerNode {
  tag: number;
  /** The whole TLV. */
  raw: Uint8Array;
  /** The contents octets. */
  value: Uint8Array;
}

const MAX_NESTING = 64;
/**
 * Contents octets an OBJECT IDENTIFIER may have. The longest OIDs in use (private enterprise arcs,
 * Microsoft's) are under 30; a bound keeps a hostile 1 MB OID from being decoded into a 1 MB string.
 */
export const MAX_OID_BYTES = 64;

/** Universal tag numbers whose DER encoding is always constructed (SEQUENCE, SET). */
const CONSTRUCTED_UNIVERSAL = new Set([0x10, 0x11]);
/**
 * Universal tag numbers that DER encodes primitive: BOOLEAN .. OBJECT IDENTIFIER, ObjectDescriptor, REAL,
 * ENUMERATED, UTF8String, RELATIVE-OID, TIME, the character strings and the times (X.690 10.2: no
 * constructed strings in DER). EXTERNAL (8), EMBEDDED PDV (11) and CHARACTER STRING (29) are always
 * constructed; 0 (end-of-contents) and 15 (reserved) are never a value.
 */
const PRIMITIVE_UNIVERSAL = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
  0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1e,
]);
const ALWAYS_CONSTRUCTED_UNIVERSAL = new Set([0x08, 0x0b, 0x1d]);

/** The identifier octet is a universal type in the form DER gives it (see the sets above). */
export function checkUniversalForm(tag: number): void {
  if ((tag & 0xc0) !== 0) return;
  const number = tag & 0x1f;
  const constructed = (tag & 0x20) !== 0;
  if (CONSTRUCTED_UNIVERSAL.has(number) || ALWAYS_CONSTRUCTED_UNIVERSAL.has(number)) {
    if (!constructed) fail(`universal tag ${number} must be constructed`);
  } else if (PRIMITIVE_UNIVERSAL.has(number)) {
    if (constructed) fail(`universal tag ${number} must be primitive in DER`);
  } else {
    fail(`universal tag ${number} is not a value`);
  }
}

/** Runs `fn`, turning a DerError into null. */
export function derTry<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

export function fail(message: string): never {
  throw new DerError(message);
}

/**
 * Where the header at an offset ends and its contents end, written here by `readHeader` instead of being
 * returned in an object: the strict check visits every TLV of every certificate, CRL and SignerInfo, and
 * a hostile one holds hundreds of thousands of them.
 */
let headerContentStart = 0;
let headerContentEnd = 0;

/**
 * The header at `offset` of `bytes[.., end)`: definite, minimal lengths only, the contents inside `end`.
 * Returns the identifier octet; the contents' bounds are left in the two slots above.
 */
function readHeader(bytes: Uint8Array, offset: number, end: number): number {
  if (offset >= end) fail('truncated');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in X.509');
  let pos = offset + 1;
  if (pos >= end) fail('truncated');
  const first = bytes[pos] as number;
  pos += 1;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) fail('indefinite length');
    if (count > 4) fail('length too large');
    if (pos + count > end) fail('truncated');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] as number);
    if ((bytes[pos] as number) === 0) fail('non-minimal length');
    if (length < 0x80) fail('non-minimal length');
    pos += count;
  }
  if (pos + length > end) fail('truncated');
  headerContentStart = pos;
  headerContentEnd = pos + length;
  return tag;
}

/** Reads one TLV at `offset`; high-tag-number form is refused (X.509 does not use it). */
export function readTlv(bytes: Uint8Array, offset: number): { node: DerNode; next: number } {
  const tag = readHeader(bytes, offset, bytes.length);
  const end = headerContentEnd;
  return {
    node: { tag, raw: bytes.subarray(offset, end), value: bytes.subarray(headerContentStart, end) },
    next: end,
  };
}

/** Parses exactly one TLV spanning all of `bytes`, checking DER rules recursively. */
export function parseDer(bytes: Uint8Array): DerNode {
  const { node, next } = readTlv(bytes, 0);
  if (next !== bytes.length) fail('trailing bytes');
  checkStrict(bytes, 0, bytes.length, 0);
  return node;
}

/** Every TLV in `bytes[start, end)` in DER, recursively, by offset (nothing is allocated per TLV). */
function checkStrict(bytes: Uint8Array, start: number, end: number, depth: number): void {
  if (depth > MAX_NESTING) fail('nesting too deep');
  let pos = start;
  while (pos < end) {
    const tag = readHeader(bytes, pos, end);
    const from = headerContentStart;
    const to = headerContentEnd;
    checkUniversalForm(tag);
    if (tag & 0x20) checkStrict(bytes, from, to, depth + 1);
    else checkPrimitive(tag, bytes, from, to);
    pos = to;
  }
}

function checkPrimitive(tag: number, b: Uint8Array, start: number, end: number): void {
  const length = end - start;
  if (tag === TAG.BOOLEAN) {
    if (length !== 1 || (b[start] !== 0 && b[start] !== 0xff)) fail('BOOLEAN not DER');
  } else if (tag === TAG.INTEGER || tag === TAG.ENUMERATED) {
    if (length === 0) fail('empty INTEGER');
    if (length > 1) {
      const first = b[start] as number;
      const second = b[start + 1] as number;
      if ((first === 0 && (second & 0x80) === 0) || (first === 0xff && (second & 0x80) !== 0))
        fail('non-minimal INTEGER');
    }
  } else if (tag === TAG.NULL) {
    if (length !== 0) fail('NULL with contents');
  } else if (tag === TAG.BIT_STRING) {
    if (length === 0) fail('empty BIT STRING');
    const unused = b[start] as number;
    if (unused > 7 || (length === 1 && unused !== 0)) fail('bad BIT STRING');
    if (unused > 0 && ((b[end - 1] as number) & ((1 << unused) - 1)) !== 0) fail('BIT STRING padding');
  } else if (tag === TAG.OID) {
    checkOidRange(b, start, end);
  }
}

/** The contents of an OBJECT IDENTIFIER: non-empty, bounded, every arc minimal and terminated. */
export function checkOidContents(v: Uint8Array): void {
  checkOidRange(v, 0, v.length);
}

function checkOidRange(v: Uint8Array, start: number, end: number): void {
  if (end === start) fail('empty OID');
  if (end - start > MAX_OID_BYTES) fail(`OID longer than ${MAX_OID_BYTES} bytes`);
  let started = false;
  for (let i = start; i < end; i++) {
    const b = v[i] as number;
    if (!started && b === 0x80) fail('non-minimal OID arc');
    started = (b & 0x80) !== 0;
  }
  if (started) fail('truncated OID');
}

function checkMinimalInteger(v: Uint8Array): void {
  if (v.length === 0) fail('empty INTEGER');
  if (v.length > 1) {
    const a = v[0] as number;
    const b = v[1] as number;
    if ((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) !== 0)) fail('non-minimal INTEGER');
  }
}

/** How many children a constructed node has, counted without reading them into nodes. */
export function countChildren(node: DerNode): number {
  if ((node.tag & 0x20) === 0) fail('not constructed');
  const v = node.value;
  let count = 0;
  let pos = 0;
  while (pos < v.length) {
    readHeader(v, pos, v.length);
    pos = headerContentEnd;
    count++;
  }
  return count;
}

/** The children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) fail('not constructed');
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const { node: child, next } = readTlv(node.value, pos);
    out.push(child);
    pos = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}`);
  return node;
}

export function sequence(node: DerNode | undefined, what: string): DerNode[] {
  return children(expectTag(node, TAG.SEQUENCE, what));
}

/** Parses a DER value nested in an OCTET STRING (extension values) with the same strictness. */
export function parseNested(bytes: Uint8Array): DerNode {
  return parseDer(bytes);
}

export function decodeOid(node: DerNode | undefined): string {
  const v = expectTag(node, TAG.OID, 'OBJECT IDENTIFIER').value;
  checkOidContents(v);
  const parts: number[] = [];
  let acc = 0;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if (!started && b === 0x80) fail('non-minimal OID arc');
    started = true;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) fail('OID arc too large');
    if ((b & 0x80) === 0) {
      parts.push(acc);
      acc = 0;
      started = false;
    } else if (i === v.length - 1) {
      fail('truncated OID');
    }
  }
  const first = parts[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}

export function decodeBoolean(node: DerNode): boolean {
  expectTag(node, TAG.BOOLEAN, 'BOOLEAN');
  if (node.value.length !== 1 || (node.value[0] !== 0 && node.value[0] !== 0xff)) fail('BOOLEAN not DER');
  return node.value[0] === 0xff;
}

/** A small non-negative INTEGER as a number (pathLen, skipCerts, version). */
export function decodeSmallInt(node: DerNode | undefined, tag: number = TAG.INTEGER): number {
  const v = expectTag(node, tag, 'INTEGER').value;
  checkMinimalInteger(v);
  if (((v[0] as number) & 0x80) !== 0) fail('negative INTEGER');
  if (v.length > 6) fail('INTEGER too large');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function decodeBitString(node: DerNode | undefined): { bytes: Uint8Array; unused: number } {
  const v = expectTag(node, TAG.BIT_STRING, 'BIT STRING').value;
  if (v.length === 0) fail('empty BIT STRING');
  const unused = v[0] as number;
  if (unused > 7 || (v.length === 1 && unused !== 0)) fail('bad BIT STRING');
  return { bytes: v.subarray(1), unused };
}

const TWO_DIGITS = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) fail('bad time digit');
  return a * 10 + b;
};

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 4.1.2.5 requires. */
export function decodeTime(node: DerNode | undefined): Date {
  if (!node) fail('missing time');
  const s = latin1(node.value);
  let year: number;
  let rest: string;
  if (node.tag === TAG.UTC_TIME) {
    if (s.length !== 13) fail('UTCTime must be YYMMDDHHMMSSZ');
    const yy = TWO_DIGITS(s, 0);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = s.slice(2);
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    if (s.length !== 15) fail('GeneralizedTime must be YYYYMMDDHHMMSSZ');
    year = TWO_DIGITS(s, 0) * 100 + TWO_DIGITS(s, 2);
    rest = s.slice(4);
  } else {
    fail('not a time');
  }
  if (rest[10] !== 'Z') fail('time must end in Z');
  const month = TWO_DIGITS(rest, 0);
  const day = TWO_DIGITS(rest, 2);
  const hour = TWO_DIGITS(rest, 4);
  const minute = TWO_DIGITS(rest, 6);
  const second = TWO_DIGITS(rest, 8);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) fail('bad time');
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (d.getUTCDate() !== day) fail('bad day of month');
  if (year < 100) d.setUTCFullYear(year);
  return d;
}

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Decodes a directory string (PrintableString, UTF8String, IA5String, BMPString, ...) to text. */
export function decodeString(node: DerNode): string | null {
  const v = node.value;
  switch (node.tag) {
    case TAG.UTF8_STRING:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(v);
      } catch {
        return null;
      }
    case 0x12: // NumericString: digits and space only (X.680 41.2), as OpenSSL and Go read it
      for (const b of v) if (b !== 0x20 && (b < 0x30 || b > 0x39)) return null;
      return latin1(v);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.TELETEX_STRING:
      for (const b of v) if (b > 0x7f && node.tag !== TAG.TELETEX_STRING) return null;
      return latin1(v);
    case TAG.BMP_STRING: {
      if (v.length % 2 !== 0) return null;
      let s = '';
      for (let i = 0; i < v.length; i += 2)
        s += String.fromCharCode(((v[i] as number) << 8) | (v[i + 1] as number));
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (v.length % 4 !== 0) return null;
      let s = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp =
          (((v[i] as number) << 24) |
            ((v[i + 1] as number) << 16) |
            ((v[i + 2] as number) << 8) |
            (v[i + 3] as number)) >>>
          0;
        if (cp > 0x10ffff) return null;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return null;
  }
}

/**
 * X.690 11.6: the elements of a DER SET OF appear in ascending order of their encodings, compared as
 * octet strings (the shorter one padded with zero octets at its end).
 */
export function checkSetOfOrder(elements: DerNode[]): void {
  for (let i = 1; i < elements.length; i++) {
    if (compareEncodings((elements[i - 1] as DerNode).raw, (elements[i] as DerNode).raw) > 0)
      fail('SET OF elements out of DER order');
  }
}

function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}
