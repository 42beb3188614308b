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

interface Line {
  start: number;
  /** End of the line's content (before its terminator). */
  end: number;
  /** Just after the terminator. */
  next: number;
}

function* lines(bytes: Uint8Array): Generator<Line> {
  let start = 0;
  while (start < bytes.length) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
    let next = end;
    if (bytes[next] === 0x0d) next++;
    if (bytes[next] === 0x0a) next++;
    yield { start, end, next };
    start = next;
  }
}

export function parseManifest(bytes: Uint8Array): ManifestResult {
  const sections: ManifestSection[] = [];
  let sectionStart = 0;
  let headers = new Map<string, string>();
  let pending: { name: string; value: Uint8Array[] } | null = null;
  let lineCount = 0;

  const flushHeader = (): string | null => {
    if (!pending) return null;
    const total = pending.value.reduce((n, part) => n + part.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const part of pending.value) {
      joined.set(part, at);
      at += part.length;
    }
    let value: string;
    try {
      value = utf8.decode(joined);
    } catch {
      return `the value of ${pending.name} is not UTF-8`;
    }
    headers.set(pending.name.toLowerCase(), value);
    pending = null;
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
  for (const line of lines(bytes)) {
    if (line.end === line.start) {
      // A blank line ends the section (several blank lines in a row end nothing more).
      const problem = flushHeader();
      if (problem) return { ok: false, problem };
      if (lineCount > 0) closeSection(line.start, line.next);
      else sectionStart = line.next;
      continue;
    }
    lineCount++;
    lastContentEnd = line.next;
    if (bytes[line.start] === 0x20) {
      if (!pending) return { ok: false, problem: 'a continuation line follows no header' };
      pending.value.push(bytes.subarray(line.start + 1, line.end));
      continue;
    }
    const problem = flushHeader();
    if (problem) return { ok: false, problem };
    const text = bytes.subarray(line.start, line.end);
    const colon = text.indexOf(0x3a);
    if (colon <= 0 || text[colon + 1] !== 0x20) {
      return { ok: false, problem: `line ${line.start} is not a "Name: value" header` };
    }
    const name = String.fromCharCode(...text.subarray(0, colon));
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name))
      return { ok: false, problem: `"${name}" is not a header name` };
    pending = { name, value: [text.subarray(colon + 2)] };
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
