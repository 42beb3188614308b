import { u16, u32 } from './pe';

/**
 * The attribute certificate table (PE Format, "The Attribute Certificate Table"): a run of WIN_CERTIFICATE
 * entries { dwLength: u32 (header included), wRevision: u16, wCertificateType: u16, bCertificate }, each
 * starting on an 8-byte boundary, filling the table exactly. Only WIN_CERT_REVISION_2_0 entries of type
 * WIN_CERT_TYPE_PKCS_SIGNED_DATA are read (those are what Windows verifies, and all that osslsigncode
 * and signtool write); any other entry refuses the table.
 */

export const WIN_CERT_REVISION_2_0 = 0x0200;
export const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
const ENTRY_HEADER = 8;

export interface TableEntry {
  /** File offset of the entry (its header). */
  offset: number;
  /** bCertificate: dwLength - 8 bytes (a view into the file, not a copy). */
  certificate: Uint8Array;
}

export type TableReadResult =
  | { ok: true; entries: TableEntry[] }
  | { ok: false; kind: 'malformed'; problem: string }
  | { ok: false; kind: 'limit'; detail: string };

export function readCertificateTable(
  bytes: Uint8Array,
  table: { offset: number; size: number },
  limits: { maxEntries: number; maxEntryBytes: number },
): TableReadResult {
  const end = table.offset + table.size;
  const entries: TableEntry[] = [];
  let at = table.offset;
  while (at < end) {
    const n = entries.length + 1;
    if (n > limits.maxEntries)
      return {
        ok: false,
        kind: 'limit',
        detail: `the certificate table has more than ${limits.maxEntries} entries`,
      };
    if (at + ENTRY_HEADER > end)
      return { ok: false, kind: 'malformed', problem: `entry ${n} has no room for its header` };
    const length = u32(bytes, at);
    const revision = u16(bytes, at + 4);
    const type = u16(bytes, at + 6);
    if (length <= ENTRY_HEADER)
      return { ok: false, kind: 'malformed', problem: `entry ${n} has dwLength ${length}` };
    if (at + length > end)
      return {
        ok: false,
        kind: 'malformed',
        problem: `entry ${n}'s dwLength ${length} runs past the end of the table`,
      };
    if (length - ENTRY_HEADER > limits.maxEntryBytes)
      return {
        ok: false,
        kind: 'limit',
        detail: `entry ${n} is ${length - ENTRY_HEADER} bytes; at most ${limits.maxEntryBytes} are read`,
      };
    if (revision !== WIN_CERT_REVISION_2_0)
      return {
        ok: false,
        kind: 'malformed',
        problem: `entry ${n} has wRevision 0x${revision.toString(16)} (only 0x0200 is read)`,
      };
    if (type !== WIN_CERT_TYPE_PKCS_SIGNED_DATA)
      return {
        ok: false,
        kind: 'malformed',
        problem: `entry ${n} has wCertificateType ${type} (only PKCS_SIGNED_DATA, 2, is read)`,
      };
    // The entry is padded to the next 8-byte boundary with zeros; the padding is inside the table but
    // outside dwLength and the image hash, so anything else there would be unsigned data.
    const next = at + Math.ceil(length / 8) * 8;
    if (next > end)
      return {
        ok: false,
        kind: 'malformed',
        problem: `entry ${n} is not padded to 8 bytes inside the table`,
      };
    for (let i = at + length; i < next; i++) {
      if (bytes[i] !== 0)
        return { ok: false, kind: 'malformed', problem: `entry ${n}'s alignment padding is not zero` };
    }
    entries.push({ offset: at, certificate: bytes.subarray(at + ENTRY_HEADER, at + length) });
    at = next;
  }
  return { ok: true, entries };
}

/**
 * bCertificate is a DER ContentInfo; signtool and osslsigncode count zero padding after it into dwLength
 * (up to 8-byte alignment). Returns the ContentInfo's own bytes (its definite DER length), or null when
 * its header cannot be read or non-zero bytes follow it.
 */
export function withoutTrailingZeros(certificate: Uint8Array): Uint8Array | null {
  if (certificate.length < 2 || certificate[0] !== 0x30) return null;
  const first = certificate[1] as number;
  let header = 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || certificate.length < 2 + count) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (certificate[2 + i] as number);
    header += count;
  }
  const end = header + length;
  if (end > certificate.length) return null;
  for (let i = end; i < certificate.length; i++) if (certificate[i] !== 0) return null;
  return certificate.subarray(0, end);
}
