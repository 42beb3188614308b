import { Inflate } from 'fflate';
import type { ZipEntry } from './zip-reader';

/**
 * The bytes of one entry, inflated (fflate, pure JS: runs in Workers) in small steps so that an entry
 * whose data inflates past its declared size is stopped within one step, then checked against the
 * declared size and CRC-32.
 */

const STEP = 16 * 1024;

export type EntryData = { ok: true; bytes: Uint8Array } | { ok: false; problem: string };

class Overflow extends Error {}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = (CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function inflateBounded(data: Uint8Array, expected: number): Uint8Array | string {
  const out = new Uint8Array(expected);
  let length = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (length + chunk.length > expected) throw new Overflow();
    out.set(chunk, length);
    length += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length; at += STEP) {
      const end = Math.min(at + STEP, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof Overflow) return `inflates to more than its declared ${expected} bytes`;
    return 'is not valid deflate data';
  }
  if (!ended || length !== expected) return `inflates to ${length} bytes, not its declared ${expected}`;
  return out;
}

export function readEntryData(archive: Uint8Array, entry: ZipEntry): EntryData {
  const raw = archive.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  const bytes = entry.method === 0 ? raw : inflateBounded(raw, entry.uncompressedSize);
  if (typeof bytes === 'string') return { ok: false, problem: `"${entry.name}" ${bytes}` };
  if (crc32(bytes) !== entry.crc32) return { ok: false, problem: `"${entry.name}" fails its CRC-32` };
  return { ok: true, bytes };
}
