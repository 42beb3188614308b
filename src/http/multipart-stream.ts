/**
 * A streaming multipart/form-data reader (RFC 7578, RFC 2046 §5.1.1) over a ReadableStream<Uint8Array>:
 * each part's body is handed to a sink chunk by chunk as it arrives, so a part of any size passes
 * through in constant memory. Pure (Web Streams only): runs on Node and on Workers.
 *
 * Bounded: the whole body (`maxBodyBytes`), each part's header block (`maxHeaderBytes`) and the number of
 * parts (`maxParts`). A body that ends before its closing delimiter, a part without a name, or a
 * malformed delimiter line is a `MultipartError`; limits exceeded are `MultipartError`s with
 * `tooLarge` set. Chunks handed to a sink are views into the stream's own chunks (no copies): a sink
 * that keeps one must copy it.
 */

import { concatBytes } from '../encoding';
import { nextTurn } from './next-turn';

const MAX_EPILOGUE = 16;
/** How long one body is read (and its parts hashed or kept) before the event loop gets a turn. */
const TURN_MS = 10;

export interface PartInfo {
  name: string;
  filename: string | null;
  contentType: string | null;
}

export interface PartSink {
  write(chunk: Uint8Array): void | Promise<void>;
  end(): void | Promise<void>;
}

export interface MultipartLimits {
  maxBodyBytes: number;
  maxHeaderBytes?: number;
  maxParts?: number;
}

export class MultipartError extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();
const CR = 13;
const LF = 10;
const EMPTY = new Uint8Array(0);

/** The boundary parameter of a multipart/form-data content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** The first index of `needle` in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] as number;
  const last = haystack.length - needle.length;
  let i = haystack.indexOf(first, from);
  while (i !== -1 && i <= last) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = haystack.indexOf(first, i + 1);
  }
  return -1;
}

/**
 * Boyer-Moore-Horspool search for the delimiter: on arbitrary binary data it looks at about one byte in
 * every delimiter length, where a scan for the delimiter's first byte stops at one byte in 256.
 */
function horspool(needle: Uint8Array): (haystack: Uint8Array, from: number) => number {
  const m = needle.length;
  const shift = new Uint8Array(256).fill(m);
  for (let i = 0; i < m - 1; i++) shift[needle[i] as number] = m - 1 - i;
  const lastByte = needle[m - 1] as number;
  return (haystack, from) => {
    const n = haystack.length;
    let i = from + m - 1;
    while (i < n) {
      const b = haystack[i] as number;
      if (b === lastByte) {
        let j = m - 2;
        let k = i - 1;
        while (j >= 0 && haystack[k] === needle[j]) {
          j--;
          k--;
        }
        if (j < 0) return k + 1;
      }
      i += shift[b] as number;
    }
    return -1;
  };
}

/** How many bytes at the end of `buf` could be the start of `needle` (a delimiter cut by a chunk edge). */
function partialTail(buf: Uint8Array, needle: Uint8Array): number {
  const start = Math.max(0, buf.length - needle.length + 1);
  let i = buf.indexOf(needle[0] as number, start);
  while (i !== -1) {
    let j = 0;
    while (i + j < buf.length && buf[i + j] === needle[j]) j++;
    if (i + j === buf.length) return buf.length - i;
    i = buf.indexOf(needle[0] as number, i + 1);
  }
  return 0;
}

function parameter(header: string, name: string): string | null {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = re.exec(header);
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? null);
}

function parseHeaders(block: string): PartInfo {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('a part header line has no name');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition))
    throw new MultipartError('a part has no Content-Disposition: form-data header');
  const name = parameter(disposition, 'name');
  if (name === null || name === '') throw new MultipartError('a part has no name');
  return { name, filename: parameter(disposition, 'filename'), contentType };
}

/** A body already read whole, handed out as one chunk through the part of a stream reader used here. */
function wholeBodyReader(bytes: Uint8Array) {
  let given = bytes.byteLength === 0;
  return {
    read: async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
      if (given) return { done: true, value: undefined };
      given = true;
      return { done: false, value: bytes };
    },
    cancel: async () => {},
    releaseLock: () => {},
  };
}

/**
 * Reads the whole body (a stream, or bytes already read whole), calling `onPart` at the start of each part and writing the part's bytes to the
 * sink it returns. Resolves after the closing delimiter; an epilogue is read (up to 64 KiB) and ignored.
 */
export async function readMultipartStream(
  body: ReadableStream<Uint8Array> | Uint8Array,
  boundary: string,
  onPart: (part: PartInfo) => PartSink | Promise<PartSink>,
  limits: MultipartLimits,
): Promise<void> {
  const maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
  const maxParts = limits.maxParts ?? 64;
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const findDelimiter = horspool(delimiter);
  const reader = body instanceof Uint8Array ? wholeBodyReader(body) : body.getReader();
  let total = 0;
  let done = false;
  // The first delimiter may open the body without the CRLF before it: start as if one were there.
  let buf: Uint8Array = Uint8Array.of(CR, LF);

  let turnStarted = performance.now();
  const more = async (): Promise<boolean> => {
    if (done) return false;
    // Chunks that are already there arrive without a turn of the event loop: after a few milliseconds
    // of them, let the loop run (other requests, /health) before reading on.
    if (performance.now() - turnStarted > TURN_MS) {
      await nextTurn();
      turnStarted = performance.now();
    }
    const asked = performance.now();
    const next = await reader.read();
    // It had to wait for the network: the loop ran meanwhile, a new run of work starts.
    if (performance.now() - asked > 1) turnStarted = performance.now();
    if (next.done) {
      done = true;
      return false;
    }
    const chunk = next.value;
    total += chunk.byteLength;
    if (total > limits.maxBodyBytes)
      throw new MultipartError(`the request body is over ${limits.maxBodyBytes} bytes`, true);
    buf = buf.length === 0 ? chunk : concatBytes(buf, chunk);
    return true;
  };

  try {
    // Preamble: everything before the first delimiter is ignored.
    for (;;) {
      const at = findDelimiter(buf, 0);
      if (at !== -1) {
        buf = buf.subarray(at + delimiter.length);
        break;
      }
      const keep = partialTail(buf, delimiter);
      buf = buf.subarray(buf.length - keep);
      if (!(await more())) throw new MultipartError('the multipart body has no boundary line');
    }

    let parts = 0;
    for (;;) {
      // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF and the headers.
      while (buf.length < 2) {
        if (!(await more())) throw new MultipartError('the multipart body ends inside a boundary line');
      }
      if (buf[0] === 0x2d && buf[1] === 0x2d) {
        // Nothing may follow the closing delimiter but line breaks: a client with a predictable boundary
        // must not have bytes of its artifact taken for the end of the body and the rest dropped unseen.
        while (buf.length <= MAX_EPILOGUE && (await more())) {}
        const epilogue = buf.subarray(2);
        if (epilogue.length > MAX_EPILOGUE || epilogue.some((b) => b !== CR && b !== LF)) {
          throw new MultipartError('bytes follow the closing boundary of the multipart body');
        }
        return;
      }
      let lineEnd = indexOf(buf, Uint8Array.of(CR, LF), 0);
      while (lineEnd === -1) {
        if (buf.length > 256) throw new MultipartError('a boundary line is malformed');
        if (!(await more())) throw new MultipartError('the multipart body ends inside a boundary line');
        lineEnd = indexOf(buf, Uint8Array.of(CR, LF), 0);
      }
      for (let i = 0; i < lineEnd; i++) {
        if (buf[i] !== 0x20 && buf[i] !== 0x09) throw new MultipartError('a boundary line is malformed');
      }
      buf = buf.subarray(lineEnd); // keep the CRLF: the header block is searched as CRLF ... CRLF CRLF
      let headerEnd = indexOf(buf, Uint8Array.of(CR, LF, CR, LF), 0);
      while (headerEnd === -1) {
        if (buf.length > maxHeaderBytes) throw new MultipartError('a part header block is too large', true);
        if (!(await more())) throw new MultipartError('the multipart body ends inside part headers');
        headerEnd = indexOf(buf, Uint8Array.of(CR, LF, CR, LF), 0);
      }
      if (headerEnd > maxHeaderBytes) throw new MultipartError('a part header block is too large', true);
      const info = parseHeaders(new TextDecoder().decode(buf.subarray(2, Math.max(2, headerEnd))));
      if (++parts > maxParts) throw new MultipartError(`more than ${maxParts} parts`, true);
      buf = buf.subarray(headerEnd + 4);
      const sink = await onPart(info);

      // The body: everything up to the next delimiter, passed on as it arrives.
      for (;;) {
        const at = findDelimiter(buf, 0);
        if (at !== -1) {
          if (at > 0) await sink.write(buf.subarray(0, at));
          buf = buf.subarray(at + delimiter.length);
          await sink.end();
          break;
        }
        const keep = partialTail(buf, delimiter);
        if (buf.length > keep) await sink.write(buf.subarray(0, buf.length - keep));
        buf = keep > 0 ? buf.slice(buf.length - keep) : EMPTY;
        if (!(await more())) throw new MultipartError('the multipart body ends inside a part');
      }
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
