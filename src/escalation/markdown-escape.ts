/**
 * Neutralising values that came from outside (a certificate subject, a feed title, a note) before they
 * go into Markdown. A value can never start a link, an emphasis, a heading, a list item, a table cell,
 * an HTML tag or a new line; invisible and bidirectional control characters are shown as `U+XXXX`.
 */

/** Longest value put into a document; subjects and feed titles are bounded upstream, this is a backstop. */
export const MAX_VALUE_LENGTH = 1000;

// C0/C1 controls, soft hyphen, zero-width and bidirectional formatting characters, line/paragraph
// separators, word joiners and invisible operators, BOM.
function isInvisible(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/** One line, no controls, no invisible characters, bounded length. Used for every untrusted value. */
export function neutralise(value: string): string {
  const oneLine = value.replace(/\r\n|\r|\n|\t/g, ' ');
  let visible = '';
  for (const char of oneLine) {
    const code = char.codePointAt(0) ?? 0;
    const piece = isInvisible(code) ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : char;
    if (visible.length + piece.length > MAX_VALUE_LENGTH) return `${visible}…`;
    visible += piece;
  }
  return visible;
}

// ASCII punctuation that can mean something in CommonMark/GFM (incl. autolinks via ':' and 'www.',
// math via '$', entities via '&', setext headings via '=' and '-'). Backslash-escaping any ASCII
// punctuation is always valid CommonMark.
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~:$&@^=]/g;

/** Inline Markdown text that renders as exactly `value` (after `neutralise`). */
export function escapeMarkdown(value: string): string {
  return neutralise(value).replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}

/**
 * An inline code span showing `value` verbatim: the fence is one backtick longer than the longest run of
 * backticks inside, padded with spaces when the value starts or ends with a backtick.
 */
export function codeSpan(value: string): string {
  const text = neutralise(value);
  if (text === '') return '';
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
