import { u16, u32 } from './pe';

/**
 * Strict, bounded reading of a Microsoft Cabinet (MS-CAB) file for Authenticode, and the parts of it that
 * the Authenticode digest covers, as osslsigncode (cab.c) and signtool compute it.
 *
 * A signed cabinet has flag RESERVE_PRESENT and a 20-byte CFHEADER reserve (cbCFHeader 20, no per-folder
 * or per-data-block reserve) laid out as:
 *
 *   36: cbCFHeader u16 = 20, cbCFFolder u8 = 0, cbCFData u8 = 0
 *   40: abReserve[0..4)   = 00 00 10 00
 *   44: abReserve[4..8)   = the signature's file offset (u32)
 *   48: abReserve[8..12)  = the signature's size (u32, the DER PKCS#7 zero-padded to 8 bytes)
 *   52: abReserve[12..20) = zeros
 *   60: the CFFOLDER entries, then the CFFILE entries and the CFDATA blocks, then the signature, ending the file
 *
 * The digest covers bytes [0, 4) (the "MSCF" signature), [8, 34) (cbCabinet .. setID) and [56, signature
 * offset): reserved1, iCabinet, the reserve sizes and the first 16 bytes of abReserve (which hold the
 * signature's place) are left out. Because those bytes are not signed, the reader insists on their only
 * sensible values (docs/authenticode.md lists every refusal), so a signed cabinet has no unsigned bytes
 * but the signature itself.
 */

export const CAB_HEADER_SIZE = 36;
const RESERVE_HEADER = 4;
const AUTHENTICODE_RESERVE = 20;
const SIGNED_HEADER_SIZE = CAB_HEADER_SIZE + RESERVE_HEADER + AUTHENTICODE_RESERVE; // 60
/** The header bytes a signing tool adds to an unsigned cabinet (cbCFHeader .. abReserve). */
const ADDED_BY_SIGNING = RESERVE_HEADER + AUTHENTICODE_RESERVE; // 24
const FOLDER_SIZE = 8;
const FILE_FIXED_SIZE = 16;
const DATA_HEADER_SIZE = 8;
/** CB_MAX_FILENAME of the cabinet format (the name without its NUL). */
const MAX_FILE_NAME = 256;

const FLAG_PREV_CABINET = 0x0001;
const FLAG_NEXT_CABINET = 0x0002;
const FLAG_RESERVE_PRESENT = 0x0004;

export interface CabLayout {
  /** The CFHEADER carries the Authenticode reserve (the file is in its signed form). */
  reserve: boolean;
  /** The embedded signature (offset and size, alignment padding included); null when there is none. */
  signature: { offset: number; size: number } | null;
  /** Where the cabinet proper ends: the signature's offset, or the end of the file. */
  dataEnd: number;
  folders: number;
  /** File offset of the first CFFOLDER entry. */
  foldersOffset: number;
}

export type CabReadResult =
  | { ok: true; layout: CabLayout }
  | { ok: false; kind: 'malformed'; problem: string }
  | { ok: false; kind: 'limit'; detail: string };

/** "MSCF" at the start (anything after it is the reader's to judge). */
export function looksLikeCab(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x4d && bytes[1] === 0x53 && bytes[2] === 0x43 && bytes[3] === 0x46
  );
}

const malformed = (problem: string): CabReadResult => ({ ok: false, kind: 'malformed', problem });

export function readCabLayout(bytes: Uint8Array, limits: { maxEntryBytes: number }): CabReadResult {
  if (!looksLikeCab(bytes)) return malformed('not a cabinet (no "MSCF" signature)');
  if (bytes.length < CAB_HEADER_SIZE)
    return malformed(`the file (${bytes.length} bytes) is shorter than a CFHEADER (${CAB_HEADER_SIZE})`);
  if (u32(bytes, 4) !== 0) return malformed('reserved1 (not covered by the signature) is not zero');
  if (bytes[24] !== 3 || bytes[25] !== 1)
    return malformed(`cabinet format version ${bytes[25]}.${bytes[24]} (only 1.3 is read)`);
  const cbCabinet = u32(bytes, 8);
  const coffFiles = u32(bytes, 16);
  const folders = u16(bytes, 26);
  const files = u16(bytes, 28);
  const flags = u16(bytes, 30);
  if (flags & (FLAG_PREV_CABINET | FLAG_NEXT_CABINET))
    return malformed(
      `flags 0x${flags.toString(16)}: the cabinet is part of a multi-cabinet set, and a signature covers one cabinet only`,
    );
  if (flags & ~FLAG_RESERVE_PRESENT) return malformed(`unknown flags 0x${flags.toString(16)}`);
  if (u16(bytes, 34) !== 0)
    return malformed(
      'iCabinet (not covered by the signature) is not 0 in a cabinet that is not part of a set',
    );

  const reserve = (flags & FLAG_RESERVE_PRESENT) !== 0;
  let signature: CabLayout['signature'] = null;
  let dataEnd = bytes.length;
  let foldersOffset = CAB_HEADER_SIZE;
  if (reserve) {
    if (bytes.length < SIGNED_HEADER_SIZE)
      return malformed(`the file (${bytes.length} bytes) is shorter than a CFHEADER with its reserve`);
    // cbCFHeader, cbCFFolder and cbCFData as one u32 (20, 0, 0), and abReserve's constant first bytes
    if (u32(bytes, 36) !== AUTHENTICODE_RESERVE || u32(bytes, 40) !== 0x00100000)
      return malformed(
        'the CFHEADER reserve is not the Authenticode one (cbCFHeader 20, cbCFFolder 0, cbCFData 0, abReserve 00 00 10 00 ...)',
      );
    if (u32(bytes, 52) !== 0)
      return malformed('abReserve bytes 12-15 (not covered by the signature) are not zero');
    const offset = u32(bytes, 44);
    const size = u32(bytes, 48);
    if ((offset === 0) !== (size === 0))
      return malformed(`the reserve names a signature at offset ${offset} of size ${size}`);
    if (offset !== 0) {
      if (offset < SIGNED_HEADER_SIZE)
        return malformed(`the signature at ${offset} lies inside the CFHEADER`);
      if (offset + size > bytes.length)
        return malformed(
          `the signature (${offset} + ${size}) runs past the end of the file (${bytes.length})`,
        );
      if (offset + size !== bytes.length)
        return malformed(`${bytes.length - offset - size} bytes follow the signature: it must end the file`);
      if (size > limits.maxEntryBytes)
        return {
          ok: false,
          kind: 'limit',
          detail: `the cabinet's signature is ${size} bytes; at most ${limits.maxEntryBytes} are read`,
        };
      signature = { offset, size };
      dataEnd = offset;
    }
    foldersOffset = SIGNED_HEADER_SIZE;
  }
  if (cbCabinet !== dataEnd)
    return malformed(
      `cbCabinet is ${cbCabinet}, but the cabinet ${signature ? 'before its signature ' : ''}is ${dataEnd} bytes`,
    );

  // CFFOLDER entries (8 bytes each: no per-folder reserve), then the CFFILE entries at coffFiles.
  const foldersEnd = foldersOffset + folders * FOLDER_SIZE;
  if (foldersEnd > dataEnd) return malformed(`${folders} CFFOLDER entries run past the cabinet's end`);
  if (coffFiles !== foldersEnd)
    return malformed(`coffFiles is ${coffFiles}, but the CFFOLDER entries end at ${foldersEnd}`);
  let at = coffFiles;
  for (let i = 0; i < files; i++) {
    if (at + FILE_FIXED_SIZE > dataEnd) return malformed(`CFFILE entry ${i + 1} runs past the cabinet's end`);
    const iFolder = u16(bytes, at + 8);
    if (iFolder >= folders)
      return malformed(`CFFILE entry ${i + 1} names folder ${iFolder}; the cabinet has ${folders}`);
    const name = at + FILE_FIXED_SIZE;
    const limit = Math.min(dataEnd, name + MAX_FILE_NAME + 1);
    let nul = name;
    while (nul < limit && bytes[nul] !== 0) nul++;
    if (nul >= limit) return malformed(`CFFILE entry ${i + 1}'s name is not terminated within the cabinet`);
    if (nul === name) return malformed(`CFFILE entry ${i + 1} has an empty name`);
    at = nul + 1;
  }
  const filesEnd = at;

  // Each folder's CFDATA blocks (8-byte header, no reserve, cbData bytes) lie after the CFFILE entries and
  // before the signature, so that nothing extracted comes from outside the signed bytes.
  let blocks = 0;
  for (let f = 0; f < folders; f++) blocks += u16(bytes, foldersOffset + f * FOLDER_SIZE + 4);
  if (blocks * DATA_HEADER_SIZE > dataEnd - filesEnd)
    return malformed(`the folders name ${blocks} CFDATA blocks, more than the cabinet has room for`);
  for (let f = 0; f < folders; f++) {
    const folder = foldersOffset + f * FOLDER_SIZE;
    let block = u32(bytes, folder);
    const count = u16(bytes, folder + 4);
    if (count > 0 && (block < filesEnd || block > dataEnd))
      return malformed(`folder ${f + 1}'s data at ${block} lies outside the cabinet's data area`);
    for (let b = 0; b < count; b++) {
      if (block + DATA_HEADER_SIZE > dataEnd)
        return malformed(`folder ${f + 1}'s CFDATA block ${b + 1} runs past the cabinet's end`);
      block += DATA_HEADER_SIZE + u16(bytes, block + 4);
      if (block > dataEnd)
        return malformed(`folder ${f + 1}'s CFDATA block ${b + 1} runs past the cabinet's end`);
    }
  }
  return { ok: true, layout: { reserve, signature, dataEnd, folders, foldersOffset } };
}

/**
 * The parts of the cabinet its Authenticode digest covers (views into `bytes`, except for the few header
 * bytes an unsigned cabinet is given). In the signed form: [0, 4), [8, 34), [56, dataEnd). An unsigned
 * cabinet is hashed as the same cabinet once signed (as osslsigncode computes the digest it signs): cbCabinet,
 * coffFiles and each folder's coffCabStart 24 bytes larger, flag RESERVE_PRESENT set, abReserve's last 4 bytes
 * zero; so a signature extracted from the signed file verifies against the unsigned one too.
 */
export function cabDigestParts(bytes: Uint8Array, layout: CabLayout): Uint8Array[] {
  if (layout.reserve)
    return [bytes.subarray(0, 4), bytes.subarray(8, 34), bytes.subarray(56, layout.dataEnd)];
  const header = bytes.slice(8, 34);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  view.setUint32(0, view.getUint32(0, true) + ADDED_BY_SIGNING, true); // cbCabinet
  view.setUint32(8, view.getUint32(8, true) + ADDED_BY_SIGNING, true); // coffFiles
  view.setUint16(22, view.getUint16(22, true) | FLAG_RESERVE_PRESENT, true); // flags
  const foldersEnd = layout.foldersOffset + layout.folders * FOLDER_SIZE;
  const folders = bytes.slice(layout.foldersOffset, foldersEnd);
  const fv = new DataView(folders.buffer, folders.byteOffset, folders.byteLength);
  for (let f = 0; f < layout.folders; f++)
    fv.setUint32(f * FOLDER_SIZE, fv.getUint32(f * FOLDER_SIZE, true) + ADDED_BY_SIGNING, true);
  return [
    bytes.subarray(0, 4),
    header,
    new Uint8Array(4),
    folders,
    bytes.subarray(foldersEnd, layout.dataEnd),
  ];
}
