import { base64ToBytes, stripFingerprint, toHex } from '../encoding';

export type FingerprintAlgorithm = 'sha256' | 'sha1';

export interface ExtractedFingerprint {
  algorithm: FingerprintAlgorithm;
  /** Lower-case hex, no separators. */
  hex: string;
  /** How it was written. */
  form: 'colon' | 'space' | 'plain' | 'base64';
  /** The text around it, for a reviewer. */
  context: string;
}

/**
 * The keyword window. A fingerprint-shaped string is taken only when
 * - a keyword (fingerprint, thumbprint, SHA-256, SHA256, SHA 256, SHA-1, SHA1, SHA 1; any case) ends at most
 *   `before` characters ahead of it (table headers and labels: "SHA-256 fingerprint: …"), or
 * - a keyword starts at most `after` characters behind it on the same line ("E1:4F:… (SHA-256)"), or
 * - it starts at most `listGap` characters after a string taken by these rules (a list of fingerprints
 *   under one heading).
 * Distances are counted in the item's plain text (HTML already reduced to text).
 * `SHA256:<base64>` carries its own keyword. The algorithm follows from the length (32 bytes → SHA-256,
 * 20 bytes → SHA-1). Everything else (a 40- or 64-hex git commit or file digest far from a keyword) is left.
 */
export const FINGERPRINT_WINDOW = { before: 120, after: 40, listGap: 80 } as const;

const KEYWORD = /\b(?:finger ?prints?|thumb ?prints?|sha[- ]?(?:256|1))(?![0-9])/gi;
const HEX = '[0-9A-Fa-f]';
const PATTERNS: { form: ExtractedFingerprint['form']; re: RegExp }[] = [
  {
    form: 'colon',
    re: new RegExp(`(?<![0-9A-Za-z:])${HEX}{2}(?::${HEX}{2}){19,}(?![0-9A-Za-z]|:${HEX})`, 'g'),
  },
  { form: 'space', re: new RegExp(`(?<![0-9A-Za-z])${HEX}{2}(?: ${HEX}{2}){19,}(?![0-9A-Za-z])`, 'g') },
  { form: 'plain', re: new RegExp(`(?<![0-9A-Za-z])(?:${HEX}{64}|${HEX}{40})(?![0-9A-Za-z])`, 'g') },
];
const BASE64_SHA256 = /\bSHA-?256:([A-Za-z0-9+/]{43}=?)(?![A-Za-z0-9+/=])/gi;

interface Match {
  start: number;
  end: number;
  fingerprint: Omit<ExtractedFingerprint, 'context'>;
  selfKeyed: boolean;
}

function contextOf(text: string, start: number, end: number): string {
  return text
    .slice(Math.max(0, start - 60), Math.min(text.length, end + 20))
    .replace(/\s+/g, ' ')
    .trim();
}

export function findFingerprints(text: string): ExtractedFingerprint[] {
  const matches: Match[] = [];
  for (const { form, re } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const hex = stripFingerprint(m[0]);
      const algorithm = hex.length === 64 ? 'sha256' : hex.length === 40 ? 'sha1' : null;
      if (!algorithm || m.index === undefined) continue;
      matches.push({
        start: m.index,
        end: m.index + m[0].length,
        fingerprint: { algorithm, hex, form },
        selfKeyed: false,
      });
    }
  }
  for (const m of text.matchAll(BASE64_SHA256)) {
    const bytes = base64ToBytes(m[1] ?? '', { padding: 'optional' });
    if (bytes?.length !== 32 || m.index === undefined) continue;
    matches.push({
      start: m.index,
      end: m.index + m[0].length,
      fingerprint: { algorithm: 'sha256', hex: toHex(bytes), form: 'base64' },
      selfKeyed: true,
    });
  }
  matches.sort((a, b) => a.start - b.start);

  const keywords = [...text.matchAll(KEYWORD)].map((k) => ({
    start: k.index ?? 0,
    end: (k.index ?? 0) + k[0].length,
  }));
  const nearKeyword = (m: Match): boolean =>
    keywords.some((k) => {
      if (k.end <= m.start) {
        return m.start - k.end <= FINGERPRINT_WINDOW.before;
      }
      if (k.start >= m.end) {
        return k.start - m.end <= FINGERPRINT_WINDOW.after && !text.slice(m.end, k.start).includes('\n');
      }
      return false;
    });

  const out: ExtractedFingerprint[] = [];
  const seen = new Set<string>();
  let previousAccepted: Match | null = null;
  for (const m of matches) {
    const chained =
      previousAccepted !== null &&
      m.start >= previousAccepted.end &&
      m.start - previousAccepted.end <= FINGERPRINT_WINDOW.listGap;
    if (!(m.selfKeyed || chained || nearKeyword(m))) continue;
    previousAccepted = m;
    const key = `${m.fingerprint.algorithm}:${m.fingerprint.hex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...m.fingerprint, context: contextOf(text, m.start, m.end) });
  }
  return out;
}
