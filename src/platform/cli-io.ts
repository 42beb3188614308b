import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo, FileFacts } from '../cli';
import { httpFetch } from './http-fetch';

/** Reads in slices of this size when hashing a large artifact offline. */
const SLICE_BYTES = 1024 * 1024;

async function factsOf(path: string): Promise<FileFacts | null> {
  try {
    const facts = await stat(path);
    return { size: facts.size, kind: facts.isFile() ? 'file' : facts.isDirectory() ? 'directory' : 'other' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    // A symbolic link loop is a name that is no file: the command reports it, not a fault of its own.
    if (code === 'ELOOP') return { size: 0, kind: 'other' };
    throw error;
  }
}

async function readPrefix(path: string, maxBytes: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    // Sized by the file (one byte more, to see it grow), not by the cap: zero-filling a 64 MiB buffer
    // and copying out the part read cost more than the read itself.
    let buffer = new Uint8Array(Math.min(maxBytes, (await file.stat()).size + 1));
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // Grown since the stat: read on up to the cap, so a caller sees all of it (or that it is too big),
        // never a prefix that looks whole.
        if (buffer.length === maxBytes) break;
        const grown = new Uint8Array(maxBytes);
        grown.set(buffer);
        buffer = grown;
      }
      const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await file.close();
  }
}

export function nodeCliIo(version: string): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    stderrIsTty: process.stderr.isTTY === true,
    env: process.env,
    stat: factsOf,
    listDir: (path) => readdir(path),
    readFile: readPrefix,
    openFile: (path) => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
    hashFile: async (path, algorithm, onBytes) => {
      const hash = createHash(algorithm.toLowerCase().replace('-', ''));
      let read = 0;
      for await (const chunk of createReadStream(path, { highWaterMark: SLICE_BYTES })) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).byteLength;
        onBytes?.(read);
      }
      return new Uint8Array(hash.digest());
    },
    appendFile: (path, text) => appendFile(path, text, 'utf8'),
    joinPath: (dir, name) => join(dir, name),
    fetch: httpFetch,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    now: () => new Date(),
    // Loaded only for --offline: the core (and the vendor.json schema's library) costs a server-mode
    // run or --version about 100 ms of start-up otherwise.
    openOffline: async (dir) => (await import('./offline-store')).openOfflineStore(dir),
    version,
  };
}
