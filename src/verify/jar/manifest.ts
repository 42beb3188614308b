/**
 * The JAR manifest format (META-INF/MANIFEST.MF and META-INF/*.SF): sections of `Name: value` headers
 * separated by blank lines, lines ended by CRLF, LF or CR, continued by a line that starts with one space.
 * Each section keeps its raw bytes, because the .SF file signs the manifest's sections byte for byte.
 */

export interface ManifestSection {
  /** Header names lower-cased (they are case-insensitive); the value of the last occurrence. */
  headers: Map<string, string>;
  /** The section's bytes including the blank line that ends it (what jarsigner digests). */
  raw: Uint8Array;
  /** The same without the blank line (what some old signers digested). */
  rawWithoutBlankLine: Uint8Array;
}

export interface Manifest {
  main: ManifestSection;
  /** The individual sections by their `Name`. */
  entries: Map<string, ManifestSection>;
}

export type ManifestResult = { ok: true; manifest: Manifest } | { ok: false; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Java's manifest reader refuses a line of more than 512 bytes ("line too long") and a header name of more
 * than 70 characters; so does this one. Neither bound is needed for the work to stay linear (every byte is
 * looked at a fixed number of times), but a manifest Java cannot read is not one to sign off.
 */
const MAX_LINE_BYTES = 512;
const MAX_NAME_BYTES = 70;

const CR = 0x0d;
const LF = 0x0a;

const isAlphanumeric = (b: number) =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** The header name `bytes[start, colon)` as a string, or null when it is not `alphanum *(alphanum | - | _)`. */
function headerName(bytes: Uint8Array, start: number, colon: number): string | null {
  if (colon - start > MAX_NAME_BYTES || !isAlphanumeric(bytes[start] as number)) return null;
  for (let at = start + 1; at < colon; at++) {
    const b = bytes[at] as number;
    if (!isAlphanumeric(b) && b !== 0x2d && b !== 0x5f) return null;
  }
  // At most 70 ASCII bytes: a safe number of arguments.
  return String.fromCharCode.apply(null, bytes.subarray(start, colon) as unknown as number[]);
}

/**
 * A header value: one line, or a first line and its continuation lines (each without its leading space),
 * kept as [start, end) pairs in a flat array so that a value of a million continuation lines costs one
 * copy, not a million small arrays.
 */
class ValueSpans {
  private spans = new Int32Array(16);
  private count = 0;

  add(start: number, end: number): void {
    if (this.count + 2 > this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    this.spans[this.count++] = start;
    this.spans[this.count++] = end;
  }

  clear(): void {
    this.count = 0;
  }

  join(bytes: Uint8Array): Uint8Array {
    const spans = this.spans;
    if (this.count === 2) return bytes.subarray(spans[0], spans[1]);
    let total = 0;
    for (let i = 0; i < this.count; i += 2) total += (spans[i + 1] as number) - (spans[i] as number);
    const joined = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < this.count; i += 2) {
      const end = spans[i + 1] as number;
      for (let from = spans[i] as number; from < end; from++) joined[at++] = bytes[from] as number;
    }
    return joined;
  }
}

export function parseManifest(bytes: Uint8Array): ManifestResult {
  const sections: ManifestSection[] = [];
  let sectionStart = 0;
  let headers = new Map<string, string>();
  let pendingName: string | null = null;
  const pendingSpans = new ValueSpans();
  let lineCount = 0;

  const flushHeader = (): string | null => {
    if (pendingName === null) return null;
    let value: string;
    try {
      value = utf8.decode(pendingSpans.join(bytes));
    } catch {
      return `the value of ${pendingName} is not UTF-8`;
    }
    headers.set(pendingName.toLowerCase(), value);
    pendingName = null;
    pendingSpans.clear();
    return null;
  };
  const closeSection = (contentEnd: number, end: number) => {
    sections.push({
      headers,
      raw: bytes.subarray(sectionStart, end),
      rawWithoutBlankLine: bytes.subarray(sectionStart, contentEnd),
    });
    headers = new Map();
    sectionStart = end;
    lineCount = 0;
  };

  let lastContentEnd = 0;
  let start = 0;
  const length = bytes.length;
  // Every read below is within bounds: V8 takes a slow path for each typed-array read past the end.
  while (start < length) {
    // One line: [start, end) its content, `next` just after its terminator (CRLF, LF or CR).
    const limit = Math.min(length, start + MAX_LINE_BYTES + 1);
    let end = start;
    while (end < limit) {
      const b = bytes[end];
      if (b === LF || b === CR) break;
      end++;
    }
    if (end - start > MAX_LINE_BYTES) {
      return { ok: false, problem: `line ${start} is longer than ${MAX_LINE_BYTES} bytes` };
    }
    let next = end;
    if (next < length && bytes[next] === CR) next++;
    if (next < length && bytes[next] === LF) next++;
    const lineStart = start;
    start = next;

    if (end === lineStart) {
      // A blank line ends the section (several blank lines in a row end nothing more).
      const problem = flushHeader();
      if (problem) return { ok: false, problem };
      if (lineCount > 0) closeSection(lineStart, next);
      else sectionStart = next;
      continue;
    }
    lineCount++;
    lastContentEnd = next;
    if (bytes[lineStart] === 0x20) {
      if (pendingName === null) return { ok: false, problem: 'a continuation line follows no header' };
      pendingSpans.add(lineStart + 1, end);
      continue;
    }
    const problem = flushHeader();
    if (problem) return { ok: false, problem };
    // A line without a colon ends the parse, so this scan past the line's end happens once at most.
    const colon = bytes.indexOf(0x3a, lineStart);
    if (colon <= lineStart || colon + 1 >= end || bytes[colon + 1] !== 0x20) {
      return { ok: false, problem: `line ${lineStart} is not a "Name: value" header` };
    }
    const name = headerName(bytes, lineStart, colon);
    if (name === null) return { ok: false, problem: `line ${lineStart} does not start with a header name` };
    pendingName = name;
    pendingSpans.add(colon + 2, end);
  }
  const problem = flushHeader();
  if (problem) return { ok: false, problem };
  if (lineCount > 0) closeSection(lastContentEnd, bytes.length);

  const [main, ...rest] = sections;
  if (!main) return { ok: false, problem: 'the manifest is empty' };
  const entries = new Map<string, ManifestSection>();
  for (const section of rest) {
    const name = section.headers.get('name');
    if (name === undefined) return { ok: false, problem: 'an individual section has no Name header' };
    if (entries.has(name)) return { ok: false, problem: `two sections are named "${name}"` };
    entries.set(name, section);
  }
  return { ok: true, manifest: { main, entries } };
}

/** Digest algorithms of the `<ALG>-Digest` headers: the ones we accept, and the ones we refuse as weak. */
export const STRONG_JAR_DIGESTS = {
  'SHA-512': 'SHA-512',
  'SHA-384': 'SHA-384',
  'SHA-256': 'SHA-256',
} as const;
export const WEAK_JAR_DIGESTS = ['SHA1', 'SHA-1', 'MD5', 'MD2', 'SHA-224'];

export type JarHash = (typeof STRONG_JAR_DIGESTS)[keyof typeof STRONG_JAR_DIGESTS];

/**
 * The strongest accepted `<ALG><suffix>` header of a section (suffix e.g. `-Digest`), or whether only
 * weak ones are there.
 */
export function pickDigest(
  section: ManifestSection,
  suffix: string,
): { kind: 'strong'; hash: JarHash; value: string } | { kind: 'weak'; algorithm: string } | { kind: 'none' } {
  for (const [algorithm, hash] of Object.entries(STRONG_JAR_DIGESTS)) {
    const value = section.headers.get(`${algorithm}${suffix}`.toLowerCase());
    if (value !== undefined) return { kind: 'strong', hash, value: value.trim() };
  }
  for (const algorithm of WEAK_JAR_DIGESTS) {
    if (section.headers.has(`${algorithm}${suffix}`.toLowerCase())) return { kind: 'weak', algorithm };
  }
  return { kind: 'none' };
}
