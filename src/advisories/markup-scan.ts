/**
 * Linear scans over feed markup. Backtracking regexes such as `<!--[\s\S]*?-->` or `<[^>]*>` take
 * quadratic time on text that opens many times and never closes (2 MB of `<!--` took 214 s), and a feed
 * is text anyone who controls it can write; these helpers find each delimiter with indexOf, moving only
 * forward.
 */

export interface Tag {
  start: number;
  /** After the closing `>` (or `-->`). */
  end: number;
  raw: string;
  comment: boolean;
}

/** The tags of `text` in order (`<` to the next `>`, comments `<!--` to `-->`); stops where none can close. */
export function* tags(text: string): Generator<Tag> {
  let at = 0;
  for (;;) {
    const lt = text.indexOf('<', at);
    if (lt === -1) return;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      const end = close === -1 ? text.length : close + 3;
      yield { start: lt, end, raw: text.slice(lt, end), comment: true };
      at = end;
      continue;
    }
    const gt = text.indexOf('>', lt + 1);
    if (gt === -1) return;
    yield { start: lt, end: gt + 1, raw: text.slice(lt, gt + 1), comment: false };
    at = gt + 1;
  }
}

export interface Element {
  start: number;
  end: number;
  inner: string;
}

const OPEN_END = /[\s>/]/;
const CLOSE_END = /[\s>]/;

/** `<name ...>inner</name>` elements, in order, not nested (the first close ends an element). */
export function elements(text: string, name: string): Element[] {
  const out: Element[] = [];
  const open = `<${name}`;
  const close = `</${name}`;
  let nextClose = -2;
  let at = 0;
  for (;;) {
    const start = text.indexOf(open, at);
    if (start === -1) break;
    if (!OPEN_END.test(text[start + open.length] ?? '')) {
      at = start + 1;
      continue;
    }
    const gt = text.indexOf('>', start);
    if (gt === -1) break;
    if (text[gt - 1] === '/') {
      at = gt + 1;
      continue;
    }
    while (nextClose !== -1 && (nextClose < gt || !CLOSE_END.test(text[nextClose + close.length] ?? ''))) {
      nextClose = text.indexOf(close, Math.max(gt, nextClose + 1));
    }
    if (nextClose === -1) break;
    const endGt = text.indexOf('>', nextClose);
    if (endGt === -1) break;
    out.push({ start, end: endGt + 1, inner: text.slice(gt + 1, nextClose) });
    at = endGt + 1;
  }
  return out;
}

/** `text` without the given elements. */
export function withoutElements(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) {
    let kept = '';
    let at = 0;
    for (const element of elements(out, name)) {
      kept += out.slice(at, element.start);
      at = element.end;
    }
    out = kept + out.slice(at);
  }
  return out;
}

/** The trimmed text of the first of the named elements, a CDATA wrapper removed; null when there is none. */
export function firstElementText(text: string, names: readonly string[]): string | null {
  let best: Element | null = null;
  for (const name of names) {
    const found = elements(text, name)[0];
    if (found && (!best || found.start < best.start)) best = found;
  }
  if (!best) return null;
  let inner = best.inner.trim();
  if (inner.startsWith('<![CDATA[')) inner = inner.slice(9, inner.endsWith(']]>') ? -3 : undefined);
  return inner.trim();
}

export interface OpenElement {
  /** The opening tag as written, attributes included. */
  raw: string;
  name: string;
}

/**
 * The elements open at `position`, outermost first, read from well-formed XML markup before it: comments,
 * CDATA sections, processing instructions and declarations skipped, quoted attribute values (which may
 * hold `>`) stepped over. Null when the markup before `position` is not that (a DOCTYPE with an internal
 * subset, a close tag that closes nothing open): the caller then has to do without. One forward pass.
 */
export function openElementsAt(text: string, position: number): OpenElement[] | null {
  const open: OpenElement[] = [];
  const skipTo = (from: number, close: string): number => {
    const end = text.indexOf(close, from);
    return end === -1 || end + close.length > position ? -1 : end + close.length;
  };
  let at = 0;
  for (;;) {
    const lt = text.indexOf('<', at);
    if (lt === -1 || lt >= position) return open;
    let next: number;
    if (text.startsWith('<!--', lt)) next = skipTo(lt + 4, '-->');
    else if (text.startsWith('<![CDATA[', lt)) next = skipTo(lt + 9, ']]>');
    else if (text.startsWith('<?', lt)) next = skipTo(lt + 2, '?>');
    else if (text.startsWith('<!', lt)) {
      next = skipTo(lt + 2, '>');
      if (next !== -1 && text.slice(lt, next).includes('[')) return null;
    } else {
      let quote = '';
      let p = lt + 1;
      for (; p < position; p++) {
        const ch = text[p];
        if (quote !== '') {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
      }
      if (p >= position) return null;
      const raw = text.slice(lt, p + 1);
      const name = /^<\/?([^\s/>]+)/.exec(raw)?.[1];
      if (!name) return null;
      if (raw.startsWith('</')) {
        if (open.at(-1)?.name !== name) return null;
        open.pop();
      } else if (!raw.endsWith('/>')) open.push({ raw, name });
      next = p + 1;
    }
    if (next === -1) return null;
    at = next;
  }
}
