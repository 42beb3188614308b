/**
 * Markdown shown as plain text on a page: the checklist's step details are Markdown (values escaped with
 * CommonMark backslash escapes, `CN\=Globex`), and the page shows them in a `<pre>` as text, where the
 * escapes would only be noise. The page's HTML renderer escapes what it shows anyway.
 */

/** ASCII punctuation, the only characters a CommonMark backslash escapes (spec 2.4). */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** A fence line of a fenced code block (up to three spaces, then ``` or ~~~ at least three times). */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * `markdown` with the CommonMark backslash escapes removed: a backslash before an ASCII punctuation
 * character is dropped and the character kept; any other backslash stays (`a\b`, a `\` ending a line).
 * As in CommonMark, escapes do nothing inside code spans and fenced code blocks: those are kept as they
 * are, so a shell command's own backslashes survive.
 */
export function unescapeMarkdown(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fence: string | null = null;
  let prose: string[] = [];
  const flush = () => {
    if (prose.length > 0) out.push(unescapeInline(prose.join('\n')));
    prose = [];
  };
  for (const line of lines) {
    const opener = FENCE.exec(line)?.[1];
    if (fence !== null) {
      out.push(line);
      // A closing fence: the same character, at least as long, nothing else but spaces.
      const closer = opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length;
      if (closer && line.trim() === opener) fence = null;
      continue;
    }
    const info = opener === undefined ? '' : line.slice(line.indexOf(opener) + opener.length);
    // A backtick fence's info string holds no backtick (else the line is a code span).
    if (opener !== undefined && !(opener[0] === '`' && info.includes('`'))) {
      flush();
      out.push(line);
      fence = opener;
      continue;
    }
    prose.push(line);
  }
  flush();
  return out.join('\n');
}

/** Inline text without its backslash escapes, code spans kept verbatim. */
function unescapeInline(text: string): string {
  let result = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    const next = text[i + 1];
    if (char === '\\' && next !== undefined && ASCII_PUNCTUATION.test(next)) {
      result += next;
      i += 2;
      continue;
    }
    if (char === '`') {
      let run = 1;
      while (text[i + run] === '`') run++;
      const close = closingRun(text, i + run, run);
      // A span to its closing run of the same length; a run without one is literal backticks.
      const end = close === -1 ? i + run : close + run;
      result += text.slice(i, end);
      i = end;
      continue;
    }
    result += char;
    i++;
  }
  return result;
}

/** Where the next run of exactly `length` backticks starts at or after `from`, or -1. */
function closingRun(text: string, from: number, length: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    let run = 1;
    while (text[i + run] === '`') run++;
    if (run === length) return i;
    i += run;
  }
  return -1;
}
