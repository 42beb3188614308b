import fc from 'fast-check';
import { concatBytes as concat } from '../../src/encoding';
import type { Field, Span, Structure, StructureFinder } from './structure';

/**
 * Inputs made from committed seeds by a few mutations each, as a fast-check arbitrary: a seed, a donor
 * seed (for splicing) and a list of mutations, each a kind and three numbers that the kind reads as
 * positions, lengths or values. fast-check draws the numbers (biased toward edge values) and replays a
 * run from its seed; a mutation never fails, it only reads its numbers modulo what the input allows.
 */

export interface Mutation {
  kind: number;
  a: number;
  b: number;
  c: number;
}

const INTERESTING = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
];

/** Each kind with its weight: the structure-aware ones only do something when the finder found spans or fields. */
const KINDS = [
  ['flipBit', 6],
  ['setByte', 4],
  ['insertBytes', 3],
  ['deleteRange', 3],
  ['writeInt', 3],
  ['truncate', 1],
  ['repeatRange', 2],
  ['spliceDonor', 2],
  ['editField', 6],
  ['deleteSpan', 3],
  ['duplicateSpan', 3],
  ['repeatSpan', 2],
  ['swapSpans', 2],
  ['replaceSpanFromDonor', 3],
] as const;

type Kind = (typeof KINDS)[number][0];
const WEIGHTED: Kind[] = KINDS.flatMap(([kind, weight]) => Array<Kind>(weight).fill(kind));

function writeField(bytes: Uint8Array, field: Field, value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (field.at + field.width > bytes.length) return;
  if (field.width === 1) view.setUint8(field.at, value & 0xff);
  else if (field.width === 2) view.setUint16(field.at, value & 0xffff, field.littleEndian);
  else view.setUint32(field.at, value >>> 0, field.littleEndian);
}

function readField(bytes: Uint8Array, field: Field): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (field.at + field.width > bytes.length) return 0;
  if (field.width === 1) return view.getUint8(field.at);
  if (field.width === 2) return view.getUint16(field.at, field.littleEndian);
  return view.getUint32(field.at, field.littleEndian);
}

/** A value for a field: an edge value, the input's length near by, or the old value nudged. */
function fieldValue(old: number, length: number, b: number, c: number): number {
  switch (b % 4) {
    case 0:
      return INTERESTING[c % INTERESTING.length] as number;
    case 1:
      return length + ((c % 5) - 2);
    case 2:
      return old + ((c % 33) - 16);
    default:
      return c;
  }
}

function applyOne(
  input: Uint8Array,
  m: Mutation,
  structure: Structure,
  donor: { bytes: Uint8Array; structure: Structure },
  maxBytes: number,
): Uint8Array {
  const len = input.length;
  const kind = WEIGHTED[m.kind % WEIGHTED.length] as Kind;
  const pos = (n: number, extra = 0) => (len + extra === 0 ? 0 : n % (len + extra));
  const span = (n: number): Span | undefined => structure.spans[n % Math.max(structure.spans.length, 1)];
  switch (kind) {
    case 'flipBit': {
      if (len === 0) return input;
      const out = new Uint8Array(input);
      const at = pos(m.a);
      out[at] = (out[at] as number) ^ (1 << (m.b % 8));
      return out;
    }
    case 'setByte': {
      if (len === 0) return input;
      const out = new Uint8Array(input);
      out[pos(m.a)] = m.c % 2 === 0 ? (INTERESTING[m.b % 6] as number) : m.b & 0xff;
      return out;
    }
    case 'insertBytes': {
      const at = pos(m.a, 1);
      const count = (m.b % 16) + 1;
      const inserted = Uint8Array.from({ length: count }, (_, i) => (m.c >>> ((i % 4) * 8)) & 0xff);
      return concat(input.subarray(0, at), inserted, input.subarray(at));
    }
    case 'deleteRange': {
      if (len === 0) return input;
      const at = pos(m.a);
      const count = (m.b % Math.min(len - at, 64)) + 1;
      return concat(input.subarray(0, at), input.subarray(at + count));
    }
    case 'writeInt': {
      if (len === 0) return input;
      const widths = [1, 2, 4] as const;
      const field: Field = { at: pos(m.a), width: widths[m.b % 3] as 1 | 2 | 4, littleEndian: m.b % 2 === 0 };
      const out = new Uint8Array(input);
      writeField(out, field, fieldValue(readField(out, field), len, m.c, m.c >>> 3));
      return out;
    }
    case 'truncate':
      return input.subarray(0, pos(m.a));
    case 'repeatRange': {
      // Many copies of a few bytes: the shape of quadratic-work attacks (many entries, lines, sections).
      if (len === 0) return input;
      const at = pos(m.a);
      const unit = input.subarray(at, Math.min(len, at + (m.b % 64) + 1));
      const times = Math.min((m.c % 4000) + 2, Math.floor((maxBytes - len) / Math.max(unit.length, 1)));
      if (times < 1) return input;
      const repeated = new Uint8Array(unit.length * times);
      for (let i = 0; i < times; i++) repeated.set(unit, i * unit.length);
      return concat(input.subarray(0, at), repeated, input.subarray(at));
    }
    case 'spliceDonor': {
      const from = donor.bytes.length === 0 ? 0 : m.b % donor.bytes.length;
      const piece = donor.bytes.subarray(from, from + (m.c % 256) + 1);
      const at = pos(m.a, 1);
      return concat(input.subarray(0, at), piece, input.subarray(Math.min(len, at + piece.length)));
    }
    case 'editField': {
      const field = structure.fields[m.a % Math.max(structure.fields.length, 1)];
      if (!field) return applyOne(input, { ...m, kind: 0 }, structure, donor, maxBytes);
      const out = new Uint8Array(input);
      writeField(out, field, fieldValue(readField(out, field), len, m.b, m.c));
      return out;
    }
    case 'deleteSpan': {
      const s = span(m.a);
      return s ? concat(input.subarray(0, s.start), input.subarray(s.end)) : input;
    }
    case 'duplicateSpan':
    case 'repeatSpan': {
      const s = span(m.a);
      if (!s) return input;
      const unit = input.subarray(s.start, s.end);
      const wanted = kind === 'duplicateSpan' ? 1 : (m.b % 2000) + 2;
      const times = Math.min(wanted, Math.floor((maxBytes - len) / Math.max(unit.length, 1)));
      if (times < 1) return input;
      const repeated = new Uint8Array(unit.length * times);
      for (let i = 0; i < times; i++) repeated.set(unit, i * unit.length);
      return concat(input.subarray(0, s.end), repeated, input.subarray(s.end));
    }
    case 'swapSpans': {
      const s = span(m.a);
      const t = span(m.b);
      if (!s || !t || s.end > t.start) return input;
      return concat(
        input.subarray(0, s.start),
        input.subarray(t.start, t.end),
        input.subarray(s.end, t.start),
        input.subarray(s.start, s.end),
        input.subarray(t.end),
      );
    }
    case 'replaceSpanFromDonor': {
      const s = span(m.a);
      const d = donor.structure.spans[m.b % Math.max(donor.structure.spans.length, 1)];
      if (!s || !d) return input;
      return concat(input.subarray(0, s.start), donor.bytes.subarray(d.start, d.end), input.subarray(s.end));
    }
  }
}

export function mutatedInputs(
  seeds: readonly Uint8Array[],
  finder: StructureFinder,
  maxBytes: number,
  maxMutations = 6,
): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error('a fuzz target needs at least one seed');
  const structures = new Map<Uint8Array, Structure>();
  const structureOf = (bytes: Uint8Array) => {
    let found = structures.get(bytes);
    if (!found) {
      found = finder(bytes);
      structures.set(bytes, found);
    }
    return found;
  };
  const word = fc.integer({ min: 0, max: 0x7fffffff });
  const mutation = fc.record({ kind: word, a: word, b: word, c: word });
  return fc
    .tuple(
      fc.nat({ max: seeds.length - 1 }),
      fc.nat({ max: seeds.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: maxMutations }),
    )
    .map(([seedIndex, donorIndex, mutations]) => {
      const donorBytes = seeds[donorIndex] as Uint8Array;
      const donor = { bytes: donorBytes, structure: structureOf(donorBytes) };
      let input = seeds[seedIndex] as Uint8Array;
      for (const m of mutations) {
        // The structure of each intermediate input, so that later mutations see the earlier ones.
        const structure = input === seeds[seedIndex] ? structureOf(input) : finder(input);
        input = applyOne(input, m, structure, donor, maxBytes);
        if (input.length > maxBytes) input = input.subarray(0, maxBytes);
      }
      return input;
    });
}
