/** The little DER writing an OCSP request needs (definite, minimal lengths). */
import { concatBytes } from '../../encoding';

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const value = concatBytes(...contents);
  const length: number[] = [];
  if (value.length < 0x80) length.push(value.length);
  else {
    for (let n = value.length; n > 0; n = Math.floor(n / 256)) length.unshift(n & 0xff);
    length.unshift(0x80 | length.length);
  }
  return concatBytes(Uint8Array.of(tag, ...length), value);
}

/** An OBJECT IDENTIFIER in dotted form, encoded. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [];
  const push = (arc: number) => {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const arc of arcs.slice(2)) push(arc);
  return tlv(0x06, Uint8Array.from(bytes));
}
