import { bytesEqual } from '../../encoding';
import { type Reason, reason } from '../reasons';
import { ReasonList } from './reason-list';

/**
 * Strict, bounded reading of a ZIP archive's structure (APPNOTE 6.3): the end of central directory, the
 * central directory and every local header, checked against each other before any byte is inflated.
 * Only what signed JARs need: no ZIP64, no multi-disk archives, no encryption, stored or deflated entries.
 * The archive must be exactly its entries followed by the central directory: no gaps, no overlaps, no
 * prefix, so that every reader sees the same entries.
 */

export interface ArchiveLimits {
  /** Most entries in the central directory. */
  maxEntries: number;
  /** Most uncompressed bytes over all entries, as declared (and then as inflated). */
  maxTotalUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio of one entry, for entries of at least `ratioFloorBytes`. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
  /**
   * Most uncompressed bytes of META-INF/MANIFEST.MF, and of each .SF file (declared, then as inflated).
   * Both hold one section per entry: 8 MiB is about 50,000 sections with long names.
   */
  maxManifestBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 50_000,
  maxTotalUncompressedBytes: 256 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxManifestBytes: 8 * 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  method: 0 | 8;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the compressed data in the archive. */
  dataOffset: number;
}

export type ZipReadResult =
  | { ok: true; entries: ZipEntry[] }
  /** Not a ZIP we read, or over a limit: the request cannot be decided. */
  | { ok: false; kind: 'error'; code: 'ARCHIVE_UNREADABLE' | 'ARCHIVE_LIMIT_EXCEEDED'; detail: string }
  /** A ZIP whose entries are ambiguous: a verdict, rejected with these reasons. */
  | { ok: false; kind: 'rejected'; reasons: Reason[] };

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const DESCRIPTOR_SIG = 0x08074b50;
const EOCD_SIZE = 22;
const CDH_SIZE = 46;
const LFH_SIZE = 30;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const FLAG_STRONG_ENCRYPTION = 0x0040;

/** A ZIP starts with a local file header (or, when empty, with the end of central directory record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))
  );
}

const unreadable = (detail: string): ZipReadResult => ({
  ok: false,
  kind: 'error',
  code: 'ARCHIVE_UNREADABLE',
  detail,
});
const overLimit = (detail: string): ZipReadResult => ({
  ok: false,
  kind: 'error',
  code: 'ARCHIVE_LIMIT_EXCEEDED',
  detail,
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

function findEocd(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    // The comment must run exactly to the end of the archive, so a signature inside a comment is skipped.
    if (
      view.getUint32(at, true) === EOCD_SIG &&
      at + EOCD_SIZE + view.getUint16(at + 20, true) === view.byteLength
    )
      return at;
  }
  return -1;
}

/** A name that could write outside the target folder, or that two file systems read differently. */
function unsafeName(name: string): string | null {
  if (name.length === 0) return 'an entry has an empty name';
  if (name.includes('\\')) return `"${name}" contains a backslash`;
  if (name.startsWith('/')) return `"${name}" is an absolute path`;
  if (name.split('/').some((part) => part === '..' || part === '.')) return `"${name}" has a . or .. segment`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f]/.test(name)) return `"${JSON.stringify(name)}" contains a control character`;
  return null;
}

export function readZip(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): ZipReadResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < EOCD_SIZE) return unreadable('the archive is shorter than a ZIP end record');
  const eocd = findEocd(view);
  if (eocd < 0) return unreadable('no ZIP end of central directory record');
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const diskEntries = view.getUint16(eocd + 8, true);
  const totalEntries = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (totalEntries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    return unreadable('ZIP64 archives are not read');
  if (disk !== 0 || cdDisk !== 0 || diskEntries !== totalEntries)
    return unreadable('multi-disk archives are not read');
  if (totalEntries > limits.maxEntries)
    return overLimit(`the archive has ${totalEntries} entries; at most ${limits.maxEntries} are read`);
  if (cdOffset + cdSize !== eocd)
    return unreadable('the central directory does not end where the end record begins');

  const entries: ZipEntry[] = [];
  const rejected = new ReasonList();
  const seen = new Set<string>();
  const spans: Array<{ start: number; end: number; name: string }> = [];
  let totalUncompressed = 0;
  let at = cdOffset;
  for (let i = 0; i < totalEntries; i++) {
    if (at + CDH_SIZE > eocd || view.getUint32(at, true) !== CDH_SIG)
      return unreadable(`central directory entry ${i} is truncated or malformed`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc32 = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const diskStart = view.getUint16(at + 34, true);
    const localOffset = view.getUint32(at + 42, true);
    const next = at + CDH_SIZE + nameLength + extraLength + commentLength;
    if (next > eocd) return unreadable(`central directory entry ${i} runs past the directory`);
    const nameBytes = bytes.subarray(at + CDH_SIZE, at + CDH_SIZE + nameLength);
    let name: string;
    try {
      name = utf8.decode(nameBytes);
    } catch {
      return unreadable(`central directory entry ${i} has a name that is not UTF-8`);
    }
    at = next;

    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff)
      return unreadable(`"${name}" needs ZIP64, which is not read`);
    if (diskStart !== 0) return unreadable(`"${name}" starts on another disk`);
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) return unreadable(`"${name}" is encrypted`);
    if (method !== 0 && method !== 8)
      return unreadable(`"${name}" uses compression method ${method}; only stored and deflated are read`);
    if (method === 0 && compressedSize !== uncompressedSize)
      rejected.add(reason('ZIP_HEADER_MISMATCH', `stored entry "${name}" declares two different sizes`));

    totalUncompressed += uncompressedSize;
    if (totalUncompressed > limits.maxTotalUncompressedBytes) {
      return overLimit(
        `the entries declare more than ${limits.maxTotalUncompressedBytes} uncompressed bytes in all`,
      );
    }
    if (
      uncompressedSize >= limits.ratioFloorBytes &&
      uncompressedSize > limits.maxCompressionRatio * Math.max(compressedSize, 1)
    ) {
      return overLimit(
        `"${name}" declares ${uncompressedSize} bytes from ${compressedSize}: over the ${limits.maxCompressionRatio}:1 compression ratio limit`,
      );
    }

    const unsafe = unsafeName(name);
    if (unsafe) rejected.add(reason('ZIP_ENTRY_NAME_INVALID', unsafe));
    const duplicate = seen.has(name);
    if (duplicate) rejected.add(reason('ZIP_DUPLICATE_ENTRY', `"${name}" is in the archive more than once`));
    seen.add(name);
    if ((flags & FLAG_UTF8) === 0 && nameBytes.some((b) => b >= 0x80)) {
      rejected.add(
        reason('ZIP_ENTRY_NAME_INVALID', `"${name}" is not flagged UTF-8: readers may decode it otherwise`),
      );
    }

    // The local header must say what the central directory says.
    if (localOffset + LFH_SIZE > cdOffset || view.getUint32(localOffset, true) !== LFH_SIG)
      return unreadable(`"${name}" has no local header where the central directory points`);
    const localFlags = view.getUint16(localOffset + 6, true);
    const localMethod = view.getUint16(localOffset + 8, true);
    const localCrc = view.getUint32(localOffset + 14, true);
    const localCompressed = view.getUint32(localOffset + 18, true);
    const localUncompressed = view.getUint32(localOffset + 22, true);
    const localNameLength = view.getUint16(localOffset + 26, true);
    const localExtraLength = view.getUint16(localOffset + 28, true);
    const localName = bytes.subarray(localOffset + LFH_SIZE, localOffset + LFH_SIZE + localNameLength);
    const mismatches: string[] = [];
    if (!bytesEqual(localName, nameBytes)) mismatches.push('name');
    if (localFlags !== flags) mismatches.push('flags');
    if (localMethod !== method) mismatches.push('compression method');
    const hasDescriptor = (flags & FLAG_DESCRIPTOR) !== 0;
    const sizesMatch =
      localCrc === crc32 && localCompressed === compressedSize && localUncompressed === uncompressedSize;
    const sizesDeferred = hasDescriptor && localCrc === 0 && localCompressed === 0 && localUncompressed === 0;
    if (!sizesMatch && !sizesDeferred) mismatches.push('CRC or sizes');
    const dataOffset = localOffset + LFH_SIZE + localNameLength + localExtraLength;
    let end = dataOffset + compressedSize;
    if (end > cdOffset) return unreadable(`the data of "${name}" runs into the central directory`);
    if (hasDescriptor) {
      const signed = end + 4 <= cdOffset && view.getUint32(end, true) === DESCRIPTOR_SIG ? 4 : 0;
      if (end + signed + 12 > cdOffset) return unreadable(`"${name}" has no data descriptor`);
      const d = end + signed;
      if (
        view.getUint32(d, true) !== crc32 ||
        view.getUint32(d + 4, true) !== compressedSize ||
        view.getUint32(d + 8, true) !== uncompressedSize
      )
        mismatches.push('data descriptor');
      end = d + 12;
    }
    if (mismatches.length > 0) {
      rejected.add(
        reason(
          'ZIP_HEADER_MISMATCH',
          `the local header of "${name}" disagrees with the central directory (${mismatches.join(', ')})`,
        ),
      );
    }
    spans.push({ start: localOffset, end, name });
    if (!duplicate)
      entries.push({
        name,
        method: method as 0 | 8,
        flags,
        crc32,
        compressedSize,
        uncompressedSize,
        dataOffset,
      });
  }
  if (at !== eocd) return unreadable('the central directory has bytes after its last entry');

  // Every byte before the central directory belongs to exactly one entry.
  spans.sort((a, b) => a.start - b.start);
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor) {
      rejected.add(reason('ZIP_HEADER_MISMATCH', `"${span.name}" overlaps the entry before it`));
    } else if (span.start > cursor) {
      rejected.add(
        reason(
          'ZIP_HEADER_MISMATCH',
          `${span.start - cursor} bytes before "${span.name}" belong to no entry`,
        ),
      );
    }
    cursor = Math.max(cursor, span.end);
  }
  if (rejected.size === 0 && cursor !== cdOffset)
    rejected.add(
      reason(
        'ZIP_HEADER_MISMATCH',
        'bytes between the last entry and the central directory belong to no entry',
      ),
    );

  return rejected.size > 0
    ? { ok: false, kind: 'rejected', reasons: rejected.toArray() }
    : { ok: true, entries };
}
