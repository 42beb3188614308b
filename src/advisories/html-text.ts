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

const BLOCK =
  /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|pre|blockquote|section|article|h[1-6]|figure|figcaption)\b[^>]*>/gi;

/** True when the text looks like HTML rather than plain text with a stray `<`. */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[a-z][a-z0-9]*\b[^>]*>/i.test(text);
}

export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(BLOCK, '\n')
    .replace(/<[^>]*>/g, '');
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
  const re = /<(?:a|link|area)\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
  for (const m of html.matchAll(re)) {
    const raw = m[1] ?? m[2] ?? m[3];
    if (raw) out.push(decodeEntities(raw.trim()));
  }
  return out;
}
