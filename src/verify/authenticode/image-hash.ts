import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashName } from '../signature';
import type { PeLayout } from './pe';

/**
 * Hashes the concatenation of `parts` without concatenating them (the image is up to 64 MiB and is
 * hashed as views into the caller's bytes). The default runs @noble/hashes incrementally in 1 MiB
 * slices; a server passes one that yields between slices or uses a platform hasher.
 */
export type DigestParts = (hash: HashName, parts: readonly Uint8Array[]) => Promise<Uint8Array>;

const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;
const SLICE = 1024 * 1024;

export const nobleDigestParts: DigestParts = async (hash, parts) => {
  const state = HASHES[hash].create();
  for (const part of parts) {
    for (let at = 0; at < part.length; at += SLICE) state.update(part.subarray(at, at + SLICE));
  }
  return state.digest();
};

/**
 * The parts of the image that the Authenticode image hash covers, as Windows and osslsigncode compute it:
 * the file from its start to its end (or to the attribute certificate table, which must end the file),
 * leaving out the optional header's CheckSum (4 bytes) and data directory entry 4 (8 bytes); then, when
 * that length is not a multiple of 8, zero bytes up to the next multiple (signing tools pad the file so
 * before appending the table, so an unsigned file hashes as the same file once signed). Views, not copies.
 */
export function imageHashParts(image: Uint8Array, layout: PeLayout): Uint8Array[] {
  const end = layout.table ? layout.table.offset : image.length;
  const parts = [
    image.subarray(0, layout.checksumOffset),
    image.subarray(layout.checksumOffset + 4, layout.securityDirectoryOffset),
    image.subarray(layout.securityDirectoryOffset + 8, end),
  ];
  const padding = (8 - (end % 8)) % 8;
  if (padding > 0) parts.push(new Uint8Array(padding));
  return parts;
}
