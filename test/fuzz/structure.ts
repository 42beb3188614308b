/**
 * Where a format keeps its structure, for mutations that respect it: `spans` are subtrees or records to
 * delete, duplicate, swap or splice in from another seed; `fields` are length, size and offset fields to
 * set to edge values. The finders are lenient and bounded (they read seeds and mutants, never decide
 * anything) and independent of the parsers under test, so that a parser bug cannot hide its own inputs.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Field {
  at: number;
  width: 1 | 2 | 4;
  littleEndian: boolean;
}

export interface Structure {
  spans: Span[];
  fields: Field[];
}

export type StructureFinder = (bytes: Uint8Array) => Structure;

const MAX_SPANS = 4096;

/** DER/BER TLVs, recursing into constructed ones (and OCTET/BIT STRINGs that hold a TLV). */
export const derStructure: StructureFinder = (bytes) => {
  const spans: Span[] = [];
  const fields: Field[] = [];
  const walk = (from: number, to: number, depth: number) => {
    let at = from;
    while (at + 2 <= to && spans.length < MAX_SPANS && depth < 32) {
      const tag = bytes[at] as number;
      let p = at + 1;
      if ((tag & 0x1f) === 0x1f) {
        while (p < to && ((bytes[p] as number) & 0x80) !== 0) p++;
        p++;
      }
      if (p >= to) return;
      const first = bytes[p] as number;
      let length: number;
      let headerEnd: number;
      if (first < 0x80) {
        length = first;
        headerEnd = p + 1;
        fields.push({ at: p, width: 1, littleEndian: false });
      } else if (first === 0x80) {
        length = to - p - 1; // indefinite: to the end of the parent, near enough for mutations
        headerEnd = p + 1;
      } else {
        const count = first & 0x7f;
        if (count > 4 || p + 1 + count > to) return;
        length = 0;
        for (let i = 0; i < count; i++) length = length * 256 + (bytes[p + 1 + i] as number);
        headerEnd = p + 1 + count;
        if (count === 1 || count === 2 || count === 4) {
          fields.push({ at: p + 1, width: count, littleEndian: false });
        }
      }
      const end = headerEnd + length;
      if (end > to) return;
      spans.push({ start: at, end });
      if (tag & 0x20) walk(headerEnd, end, depth + 1);
      else if ((tag === 0x04 || tag === 0x03) && length > 2)
        walk(headerEnd + (tag === 0x03 ? 1 : 0), end, depth + 1);
      at = end;
    }
  };
  walk(0, bytes.length, 0);
  return { spans, fields };
};

const LFH = 0x04034b50;
const CDH = 0x02014b50;
const EOCD = 0x06054b50;

/** ZIP records found by their signatures: local entries (header and data), central directory records, the end record. */
export const zipStructure: StructureFinder = (bytes) => {
  const spans: Span[] = [];
  const fields: Field[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => (at + 2 <= bytes.length ? view.getUint16(at, true) : 0);
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : 0);
  const field = (at: number, width: 2 | 4) => {
    if (at + width <= bytes.length) fields.push({ at, width, littleEndian: true });
  };
  for (let at = 0; at + 4 <= bytes.length && spans.length < MAX_SPANS; at++) {
    if (bytes[at] !== 0x50 || bytes[at + 1] !== 0x4b) continue;
    const sig = u32(at);
    if (sig === LFH) {
      for (const offset of [6, 8, 14, 18, 22]) field(at + offset, offset === 6 || offset === 8 ? 2 : 4);
      field(at + 26, 2);
      field(at + 28, 2);
      const end = at + 30 + u16(at + 26) + u16(at + 28) + u32(at + 18);
      spans.push({ start: at, end: Math.min(end, bytes.length) });
    } else if (sig === CDH) {
      for (const offset of [8, 10, 28, 30, 32, 34]) field(at + offset, 2);
      for (const offset of [16, 20, 24, 42]) field(at + offset, 4);
      const end = at + 46 + u16(at + 28) + u16(at + 30) + u16(at + 32);
      spans.push({ start: at, end: Math.min(end, bytes.length) });
    } else if (sig === EOCD) {
      for (const offset of [4, 6, 8, 10, 20]) field(at + offset, 2);
      for (const offset of [12, 16]) field(at + offset, 4);
      spans.push({ start: at, end: Math.min(at + 22 + u16(at + 20), bytes.length) });
    }
  }
  return { spans, fields };
};

/**
 * Markup (XML feeds) and JSON: elements from an opening tag to its matching closing tag, and JSON objects
 * and arrays from a bracket to its match; no fields (lengths in text are not lengths of anything).
 */
export const textStructure: StructureFinder = (bytes) => {
  const spans: Span[] = [];
  const open: Array<{ name: string; start: number }> = [];
  const brackets: number[] = [];
  const n = bytes.length;
  for (let at = 0; at < n && spans.length < MAX_SPANS; at++) {
    const b = bytes[at];
    if (b === 0x7b || b === 0x5b) brackets.push(at);
    else if ((b === 0x7d || b === 0x5d) && brackets.length > 0) {
      spans.push({ start: brackets.pop() as number, end: at + 1 });
    } else if (b === 0x3c) {
      const gt = bytes.indexOf(0x3e, at);
      if (gt === -1) break;
      const tag = new TextDecoder().decode(bytes.subarray(at + 1, Math.min(gt, at + 200)));
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim();
        for (let i = open.length - 1; i >= 0 && i >= open.length - 64; i--) {
          if (open[i]?.name === name) {
            spans.push({ start: (open[i] as { start: number }).start, end: gt + 1 });
            open.length = i;
            break;
          }
        }
      } else if (!tag.endsWith('/') && /^[A-Za-z]/.test(tag)) {
        open.push({ name: tag.split(/[\s/>]/)[0] ?? '', start: at });
      }
      at = gt;
    }
  }
  return { spans, fields: [] };
};

export const noStructure: StructureFinder = () => ({ spans: [], fields: [] });

/** Line-based text (JAR manifests): every line, and every run of lines up to a blank one (a section). */
export const lineStructure: StructureFinder = (bytes) => {
  const spans: Span[] = [];
  let sectionStart = 0;
  let start = 0;
  while (start < bytes.length && spans.length < MAX_SPANS) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a) end++;
    const next = Math.min(end + 1, bytes.length);
    spans.push({ start, end: next });
    if (end === start || (end === start + 1 && bytes[start] === 0x0d)) {
      if (start > sectionStart) spans.push({ start: sectionStart, end: next });
      sectionStart = next;
    }
    start = next;
  }
  return { spans, fields: [] };
};
