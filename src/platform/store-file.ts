import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { SeedError } from '../trust';

/** A root certificate file or a vendor.json is a few KiB; the bound keeps a planted giant out of memory. */
const MAX_STORE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A file of the trust-store tree as text, refused (SeedError, with the path) unless it is a regular file
 * within the bound: a pipe named `root.pem` would stall the start-up (or `trustgate verify --offline`)
 * for ever, a folder named so would fail with a bare EISDIR. The check and the read use one handle.
 */
export async function readStoreFile(path: string): Promise<string> {
  // Non-blocking, so that opening a pipe returns at once (to be refused) instead of waiting for a writer.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const facts = await handle.stat();
    if (!facts.isFile()) throw new SeedError(`${path}: not a regular file`);
    if (facts.size > MAX_STORE_FILE_BYTES)
      throw new SeedError(
        `${path}: ${facts.size} bytes, over the ${MAX_STORE_FILE_BYTES} a store file may have`,
      );
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
