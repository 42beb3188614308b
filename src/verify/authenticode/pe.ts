/**
 * Strict, bounded reading of the parts of a PE/PE32+ image (Microsoft PE Format specification) that
 * Authenticode needs: the DOS header's e_lfanew, the COFF header, the optional header's magic, CheckSum
 * and data directory entry 4 (IMAGE_DIRECTORY_ENTRY_SECURITY: the file offset and size of the attribute
 * certificate table), and the section table (to check that no section's raw data lies in the table,
 * which the image hash skips). Every offset and size is checked against the file before it is used;
 * arithmetic is on JavaScript numbers (53 bits), so 32-bit sums cannot wrap.
 *
 * What is refused (a rejected verdict, AUTHENTICODE_PE_MALFORMED or AUTHENTICODE_TABLE_MALFORMED) and
 * why is listed in docs/authenticode.md.
 */

export const PE32_MAGIC = 0x10b;
export const PE32_PLUS_MAGIC = 0x20b;
const DOS_HEADER_SIZE = 0x40;
const COFF_HEADER_SIZE = 20;
const SECTION_HEADER_SIZE = 40;
/** The Windows loader refuses images with more sections than this. */
const MAX_SECTIONS = 96;
/** Entries of the data directory the format defines; the loader reads at most this many. */
const MAX_DATA_DIRECTORIES = 16;
const SECURITY_DIRECTORY = 4;

export interface PeLayout {
  pe32Plus: boolean;
  /** File offset of the optional header's CheckSum (4 bytes), skipped by the image hash. */
  checksumOffset: number;
  /** File offset of data directory entry 4 (8 bytes), skipped by the image hash. */
  securityDirectoryOffset: number;
  /** End of the headers (SizeOfHeaders), past the section table. */
  headersEnd: number;
  /** The attribute certificate table as the directory entry names it; null when both fields are zero. */
  table: { offset: number; size: number } | null;
}

export type PeReadResult =
  | { ok: true; layout: PeLayout }
  | { ok: false; kind: 'pe' | 'table'; problem: string };

const u16 = (b: Uint8Array, at: number): number => (b[at] as number) | ((b[at + 1] as number) << 8);
const u32 = (b: Uint8Array, at: number): number =>
  ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
  (b[at + 3] as number) * 0x1000000;

export { u16, u32 };

/** e_lfanew, when the DOS header is there and points inside the file. */
function peHeaderOffset(bytes: Uint8Array): number | null {
  if (bytes.length < DOS_HEADER_SIZE || bytes[0] !== 0x4d || bytes[1] !== 0x5a) return null;
  const offset = u32(bytes, 0x3c);
  if (offset < DOS_HEADER_SIZE || offset + 4 > bytes.length) return null;
  return offset;
}

/** An MZ header whose e_lfanew points (inside the file, past the DOS header) at "PE\0\0". */
export function looksLikePe(bytes: Uint8Array): boolean {
  const at = peHeaderOffset(bytes);
  return (
    at !== null && bytes[at] === 0x50 && bytes[at + 1] === 0x45 && bytes[at + 2] === 0 && bytes[at + 3] === 0
  );
}

const pe = (problem: string): PeReadResult => ({ ok: false, kind: 'pe', problem });
const table = (problem: string): PeReadResult => ({ ok: false, kind: 'table', problem });

export function readPeLayout(bytes: Uint8Array): PeReadResult {
  if (!looksLikePe(bytes)) return pe('not a PE image (no MZ header whose e_lfanew points at "PE\\0\\0")');
  const peAt = peHeaderOffset(bytes) as number;
  const coff = peAt + 4;
  if (coff + COFF_HEADER_SIZE > bytes.length) return pe('the COFF header runs past the end of the file');
  const sections = u16(bytes, coff + 2);
  const optionalSize = u16(bytes, coff + 16);
  const optional = coff + COFF_HEADER_SIZE;
  if (sections > MAX_SECTIONS) return pe(`${sections} sections (the loader allows at most ${MAX_SECTIONS})`);
  if (optional + optionalSize > bytes.length) return pe('the optional header runs past the end of the file');
  if (optionalSize < 2) return pe('there is no optional header');
  const magic = u16(bytes, optional);
  if (magic !== PE32_MAGIC && magic !== PE32_PLUS_MAGIC)
    return pe(`optional header magic 0x${magic.toString(16)} (neither PE32 0x10b nor PE32+ 0x20b)`);
  const pe32Plus = magic === PE32_PLUS_MAGIC;
  // The fixed part of the optional header, up to and including NumberOfRvaAndSizes.
  const directories = optional + (pe32Plus ? 112 : 96);
  if (directories > optional + optionalSize)
    return pe('the optional header is too short for its fixed fields');
  const directoryCount = u32(bytes, directories - 4);
  if (directoryCount <= SECURITY_DIRECTORY)
    return pe(`NumberOfRvaAndSizes is ${directoryCount}: the image has no certificate table entry (entry 4)`);
  if (directoryCount > MAX_DATA_DIRECTORIES)
    return pe(`NumberOfRvaAndSizes is ${directoryCount} (at most ${MAX_DATA_DIRECTORIES})`);
  if (directories + directoryCount * 8 > optional + optionalSize)
    return pe('the data directory runs past SizeOfOptionalHeader');
  const sizeOfHeaders = u32(bytes, optional + 60);
  const sectionTable = optional + optionalSize;
  const sectionTableEnd = sectionTable + sections * SECTION_HEADER_SIZE;
  if (sectionTableEnd > bytes.length) return pe('the section table runs past the end of the file');
  if (sizeOfHeaders < sectionTableEnd || sizeOfHeaders > bytes.length)
    return pe(`SizeOfHeaders ${sizeOfHeaders} does not cover the headers or lies past the end of the file`);

  const securityDirectoryOffset = directories + SECURITY_DIRECTORY * 8;
  const offset = u32(bytes, securityDirectoryOffset);
  const size = u32(bytes, securityDirectoryOffset + 4);
  const layout: PeLayout = {
    pe32Plus,
    checksumOffset: optional + 64,
    securityDirectoryOffset,
    headersEnd: sizeOfHeaders,
    table: null,
  };
  if (offset === 0 && size === 0) return { ok: true, layout };

  // The table (a file offset, not an RVA) must be quadword aligned, after the headers and every
  // section's raw data, and the last thing in the file: bytes after it are unsigned and unhashed
  // (Windows refuses them since MS13-098 with EnableCertPaddingCheck; osslsigncode ignores such a table).
  if (offset === 0 || size === 0)
    return table(`the certificate table entry has offset ${offset} and size ${size}`);
  if (offset % 8 !== 0) return table(`the certificate table at ${offset} is not 8-byte aligned`);
  if (offset < sizeOfHeaders) return table(`the certificate table at ${offset} lies inside the headers`);
  if (offset + size > bytes.length)
    return table(
      `the certificate table (${offset} + ${size}) runs past the end of the file (${bytes.length})`,
    );
  if (offset + size !== bytes.length)
    return table(`${bytes.length - offset - size} bytes follow the certificate table: it must end the file`);
  if (size % 8 !== 0) return table(`the certificate table size ${size} is not a multiple of 8`);
  for (let i = 0; i < sections; i++) {
    const header = sectionTable + i * SECTION_HEADER_SIZE;
    const rawSize = u32(bytes, header + 16);
    const rawPointer = u32(bytes, header + 20);
    if (rawSize > 0 && rawPointer + rawSize > offset)
      return table(`section ${i + 1}'s raw data (${rawPointer} + ${rawSize}) overlaps the certificate table`);
  }
  const zipEnd = zipEndRecordIn(bytes, offset);
  if (zipEnd !== null)
    return table(
      `a ZIP end of central directory record lies at ${zipEnd}, inside the unsigned certificate table: a ZIP reader (a self-extracting installer, unzip) would unpack unsigned bytes`,
    );
  layout.table = { offset, size };
  return { ok: true, layout };
}

/** A ZIP end record is 22 bytes and its comment at most 65 535: ZIP readers look no further back. */
const ZIP_SEARCH_WINDOW = 22 + 0xffff;

/**
 * Where a ZIP end of central directory signature ("PK\5\6") lies at or after `from` (the certificate
 * table) within the stretch at the end of the file in which ZIP readers look for one, or null. A signed
 * PE that is also a ZIP (a self-extracting installer) must have its whole archive in the hashed image;
 * an end record in the table, which the image hash skips and whose unsigned attributes no signature
 * covers, makes a ZIP reader unpack what the attacker put there while the file still verifies. Random
 * bytes of a real table (keys, signature values) hold the 4-byte signature by chance about once in 2^32
 * positions.
 */
function zipEndRecordIn(bytes: Uint8Array, from: number): number | null {
  const start = Math.max(from, bytes.length - ZIP_SEARCH_WINDOW);
  for (let at = bytes.length - 4; at >= start; at--) {
    if (bytes[at] === 0x50 && bytes[at + 1] === 0x4b && bytes[at + 2] === 5 && bytes[at + 3] === 6) return at;
  }
  return null;
}
