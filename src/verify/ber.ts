import { checkUniversalForm, fail, TAG } from './der';

/**
 * The little BER that RFC 5652 lets a CMS SignedData use around its DER parts: indefinite lengths on the
 * outer constructed structures (ContentInfo, SignedData, EncapsulatedContentInfo, the certificate, CRL
 * and SignerInfo sets), and an attached content sent as a constructed OCTET STRING of primitive ones
 * (X.690 8.7.3, what streaming signers write). Nothing else: definite lengths are minimal, every child
 * lies inside its parent, an indefinite length ends in exactly one end-of-contents, nesting is bounded.
 *
 * Elements are offsets into the caller's bytes; reading one costs its header, plus one walk of its
 * children when its length is indefinite (which is bounded in depth), so a whole read stays linear.
 */
export interface BerElement {
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** The contents octets: [contentStart, contentEnd). */
  contentStart: number;
  contentEnd: number;
  /** Offset just past the element (past its end-of-contents when indefinite). */
  end: number;
  indefinite: boolean;
}

/** Indefinite lengths nested deeper than this are refused: CMS needs five levels at most. */
const MAX_INDEFINITE_DEPTH = 8;
const MAX_DEPTH = 64;

export function readBerElement(bytes: Uint8Array, offset: number, limit: number, depth = 0): BerElement {
  if (depth > MAX_DEPTH) fail('nesting too deep');
  if (offset >= limit) fail('truncated');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in CMS');
  checkUniversalBerForm(tag);
  let pos = offset + 1;
  if (pos >= limit) fail('truncated');
  const first = bytes[pos] as number;
  pos += 1;
  if (first === 0x80) {
    if ((tag & 0x20) === 0) fail('indefinite length on a primitive element');
    if (depth >= MAX_INDEFINITE_DEPTH) fail('indefinite lengths nested too deep');
    const contentStart = pos;
    for (;;) {
      if (pos + 1 < limit && bytes[pos] === 0 && bytes[pos + 1] === 0) {
        return { tag, start: offset, contentStart, contentEnd: pos, end: pos + 2, indefinite: true };
      }
      pos = readBerElement(bytes, pos, limit, depth + 1).end;
    }
  }
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count > 4) fail('length too large');
    if (pos + count > limit) fail('truncated');
    if ((bytes[pos] as number) === 0) fail('non-minimal length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] as number);
    if (length < 0x80) fail('non-minimal length');
    pos += count;
  }
  const end = pos + length;
  if (end > limit) fail('truncated');
  return { tag, start: offset, contentStart: pos, contentEnd: end, end, indefinite: false };
}

/** BER permits constructed strings (only OCTET STRING is met here); everything else as in DER. */
function checkUniversalBerForm(tag: number): void {
  if (tag === (TAG.OCTET_STRING | 0x20)) return;
  checkUniversalForm(tag);
}

/** One element spanning all of `bytes`. */
export function readBerWhole(bytes: Uint8Array): BerElement {
  const element = readBerElement(bytes, 0, bytes.length);
  if (element.end !== bytes.length) fail('trailing bytes');
  return element;
}

/** The children of a constructed element, each read as BER. */
export function berChildren(bytes: Uint8Array, parent: BerElement, depth = 1): BerElement[] {
  if ((parent.tag & 0x20) === 0) fail('not constructed');
  const out: BerElement[] = [];
  let pos = parent.contentStart;
  while (pos < parent.contentEnd) {
    const child = readBerElement(bytes, pos, parent.contentEnd, depth);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** The whole encoding of an element (with its end-of-contents when indefinite). */
export const berRaw = (bytes: Uint8Array, element: BerElement): Uint8Array =>
  bytes.subarray(element.start, element.end);

/**
 * The value of an OCTET STRING: its contents when primitive, the concatenation of its segments when
 * constructed (each segment a primitive OCTET STRING, as X.690 8.7.3 and RFC 5652 streaming produce).
 */
export function berOctetString(bytes: Uint8Array, element: BerElement): Uint8Array {
  if (element.tag === TAG.OCTET_STRING) return bytes.slice(element.contentStart, element.contentEnd);
  if (element.tag !== (TAG.OCTET_STRING | 0x20)) fail('expected OCTET STRING');
  const segments = berChildren(bytes, element);
  let total = 0;
  for (const segment of segments) {
    if (segment.tag !== TAG.OCTET_STRING) fail('a constructed OCTET STRING segment that is not primitive');
    total += segment.contentEnd - segment.contentStart;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const segment of segments) {
    out.set(bytes.subarray(segment.contentStart, segment.contentEnd), at);
    at += segment.contentEnd - segment.contentStart;
  }
  return out;
}
