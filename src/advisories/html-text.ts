import { tags } from './markup-scan';

/**
 * Turns the HTML that feeds carry (often inside CDATA) into plain text for extraction, and lists the URLs
 * it links to. Deliberately small: no DOM, no external entity tables.
 */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
  colon: ':',
  sol: '/',
  equals: '=',
  num: '#',
  plus: '+',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const BLOCK_NAMES = new Set([
  'p',
  'div',
  'br',
  'hr',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'table',
  'thead',
  'tbody',
  'pre',
  'blockquote',
  'section',
  'article',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'figure',
  'figcaption',
]);
const TAG_NAME = /^<\/?([a-z][a-z0-9]*)/i;

/** True when the text looks like HTML rather than plain text with a stray `<`. */
export function looksLikeHtml(text: string): boolean {
  for (const tag of tags(text)) if (!tag.comment && TAG_NAME.test(tag.raw)) return true;
  return false;
}

export function htmlToText(html: string): string {
  let text = '';
  let at = 0;
  // Where the next `</script` / `</style` is, so that many unclosed openings cost one scan each name.
  const lower = html.toLowerCase();
  const nextClose = new Map<string, number>();
  for (const tag of tags(html)) {
    if (tag.start < at) continue;
    text += html.slice(at, tag.start);
    at = tag.end;
    if (tag.comment) {
      text += ' ';
      continue;
    }
    const name = TAG_NAME.exec(tag.raw)?.[1]?.toLowerCase();
    if ((name === 'script' || name === 'style') && !tag.raw.startsWith('</')) {
      let close = nextClose.get(name);
      if (close === undefined || (close !== -1 && close < tag.end)) {
        close = lower.indexOf(`</${name}`, tag.end);
        nextClose.set(name, close);
      }
      const gt = close === -1 ? -1 : html.indexOf('>', close);
      if (gt !== -1) {
        text += ' ';
        at = gt + 1;
        continue;
      }
    }
    if (name && BLOCK_NAMES.has(name)) text += '\n';
  }
  text += html.slice(at);
  return normalizeText(decodeEntities(text));
}

/** Collapses runs of spaces and blank lines; keeps line breaks (PEM blocks need them). */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The `href`/`src` targets of an HTML fragment, entity-decoded, in document order. */
export function htmlLinks(html: string): string[] {
  const out: string[] = [];
  const href = /^<(?:a|link|area)\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
  for (const tag of tags(html)) {
    if (tag.comment) continue;
    const m = href.exec(tag.raw);
    const raw = m?.[1] ?? m?.[2] ?? m?.[3];
    if (raw) out.push(decodeEntities(raw.trim()));
  }
  return out;
}
