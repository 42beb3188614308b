/**
 * JSON bodies of POST /verify (up to 66 MiB, nearly all of it one base64 artifact) read without turning
 * that artifact into a 65 MiB string: JSON.parse of such a body held the event loop for about half a
 * second, its text and strings put some 200 MiB on the V8 heap until the next major GC, and atob on the
 * string took seconds more on Node 20.
 *
 * Before JSON.parse, every long string whose bytes are all base64 characters (no escapes, no control
 * characters, no quotes: nothing JSON would read differently) is set aside: the text JSON.parse sees has
 * a short placeholder in its place, with a random nonce so that no caller can send one. The structure,
 * and so what JSON.parse accepts or refuses, is the same; fields that hold a placeholder are read from
 * the body's bytes (`string`, `base64`). Long work is sliced with turns of the event loop between.
 */
import { base64ToBytesSliced, toHex } from '../encoding';
import { nextTurn } from './next-turn';

/** Strings at least this long are candidates to be set aside. */
const SET_ASIDE_BYTES = 64 * 1024;
/** Bytes looked at (or decoded to text) between two turns of the event loop. */
const SLICE_BYTES = 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const BASE64_CHAR = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=')
  BASE64_CHAR[c.charCodeAt(0)] = 1;

export interface JsonBody {
  /** What JSON.parse made of the body, with placeholders for the strings set aside. */
  value: unknown;
  /** The string a field holds (read from the body when it was set aside); non-strings as they are. */
  string(field: unknown): unknown;
  /** The bytes of a base64 field, or null when it is not base64; non-strings are undefined. */
  base64(field: unknown): Promise<Uint8Array | null | undefined>;
}

/** Start and end (exclusive) of the contents of every long pure-base64 string in `bytes`. */
async function longBase64Strings(bytes: Uint8Array): Promise<Array<[number, number]>> {
  const ranges: Array<[number, number]> = [];
  let looked = 0;
  for (let at = bytes.indexOf(QUOTE); at !== -1; ) {
    const start = at + 1;
    // The closing quote: the next quote that no backslash escapes.
    let end = bytes.indexOf(QUOTE, start);
    let escaped = false;
    for (;;) {
      if (end === -1) return ranges; // unterminated: JSON.parse refuses the text anyway
      const backslash = bytes.subarray(start, end).lastIndexOf(BACKSLASH);
      if (backslash === -1) break;
      escaped = true;
      // An odd run of backslashes before the quote escapes it.
      let run = 0;
      while (bytes[end - 1 - run] === BACKSLASH) run++;
      if (run % 2 === 0) break;
      end = bytes.indexOf(QUOTE, end + 1);
    }
    if (!escaped && end - start >= SET_ASIDE_BYTES && (await allBase64(bytes, start, end))) {
      ranges.push([start, end]);
    }
    looked += end + 1 - at;
    if (looked >= SLICE_BYTES) {
      looked = 0;
      await nextTurn();
    }
    at = bytes.indexOf(QUOTE, end + 1);
  }
  return ranges;
}

async function allBase64(bytes: Uint8Array, start: number, end: number): Promise<boolean> {
  for (let slice = start; slice < end; slice += SLICE_BYTES) {
    if (slice > start) await nextTurn();
    const stop = Math.min(end, slice + SLICE_BYTES);
    for (let i = slice; i < stop; i++) if (BASE64_CHAR[bytes[i] as number] === 0) return false;
  }
  return true;
}

/** UTF-8 text of `bytes` through one streaming decoder (a BOM is dropped only at the very start). */
async function appendText(decoder: TextDecoder, bytes: Uint8Array, last: boolean): Promise<string> {
  let text = '';
  for (let at = 0; at < bytes.byteLength || (at === 0 && last); at += SLICE_BYTES) {
    if (at > 0) await nextTurn();
    const end = Math.min(bytes.byteLength, at + SLICE_BYTES);
    text += decoder.decode(bytes.subarray(at, end), { stream: !(last && end === bytes.byteLength) });
  }
  return text;
}

function nonce(): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return toHex(random);
}

/** The body parsed as JSON; throws what JSON.parse throws for text it refuses. */
export async function parseJsonBody(bytes: Uint8Array): Promise<JsonBody> {
  const ranges = await longBase64Strings(bytes);
  const decoder = new TextDecoder();
  const mark = `trustgate-set-aside-${nonce()}-`;
  const setAside = new Map<string, [number, number]>();
  let text = '';
  let from = 0;
  for (const [start, end] of ranges) {
    text += await appendText(decoder, bytes.subarray(from, start), false);
    const placeholder = `${mark}${setAside.size}`;
    setAside.set(placeholder, [start, end]);
    text += placeholder;
    from = end;
  }
  text += await appendText(decoder, bytes.subarray(from), true);
  const value: unknown = JSON.parse(text);
  const rangeOf = (field: unknown) => (typeof field === 'string' ? setAside.get(field) : undefined);
  return {
    value,
    string(field) {
      const range = rangeOf(field);
      return range ? new TextDecoder().decode(bytes.subarray(...range)) : field;
    },
    async base64(field) {
      if (typeof field !== 'string') return undefined;
      const range = rangeOf(field);
      // Non-ASCII characters become bytes over 0x7f, which are not base64 either.
      const ascii = range ? bytes.subarray(...range) : new TextEncoder().encode(field);
      return base64ToBytesSliced(ascii, nextTurn);
    },
  };
}
