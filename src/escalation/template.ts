/**
 * A tiny logic-less template language for playbooks, checked against a schema of known facts when it is
 * compiled (at start-up), so that a misspelt variable is refused then and not rendered blank at 3 a.m.
 *
 *   {{name}}            a value, escaped for the output (Markdown-escaped in documents)
 *   {{code name}}       a value as an inline code span (verbatim, still one line)
 *   {{raw name}}        a value as is; only for values trustgate generates itself (`safe` in the schema)
 *   {{#each list}}...{{/each}}     repeat; inside, `this`, `this.field`, `field` and `@number` (1-based)
 *   {{#if name}}...{{else}}...{{/if}}   true, a non-empty string or list, a non-zero number
 *   {{! a comment }}
 *
 * Tags are single-line. A line holding only a block tag or a comment disappears entirely, so blocks do not
 * leave blank lines behind (which would break Markdown lists and tables).
 *
 * Why not mustache: it has no `{{else}}`, `@number`, `code` or `raw` forms, so every playbook in
 * advisories/playbooks (and any an operator wrote) would change syntax; its one global `escape` does
 * not tell a code span from text, so per-output escaping (Markdown, shell) would move into the values;
 * and its parser checks no variable against a schema, so the load-time refusal of a misspelt or untrusted
 * `raw` variable would still have to be written here, walking mustache's tokens. Mustache would replace
 * only the lexer and the render loop, about a fifth of this file.
 */

/** `text`: an untrusted string; `safe`: a string or number trustgate generated; `flag`: a boolean. */
export type FieldSpec = 'text' | 'safe' | 'flag' | { list: FieldSpec } | { fields: Schema };
export interface Schema {
  readonly [name: string]: FieldSpec;
}

export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly TemplateValue[]
  | { readonly [name: string]: TemplateValue };

export interface Escaper {
  text(value: string): string;
  code(value: string): string;
  raw(value: string): string;
}

export type TemplateErrorCode =
  | 'UNKNOWN_VARIABLE'
  | 'UNBALANCED_BLOCK'
  | 'BAD_TAG'
  | 'WRONG_TYPE'
  | 'RAW_UNTRUSTED'
  | 'ESCAPED_IN_CODE';

export interface TemplateError {
  code: TemplateErrorCode;
  line: number;
  message: string;
}

type Mode = 'text' | 'code' | 'raw';
/** A resolved reference: `up` scopes above the current one, then a path of field names. */
type Ref = { kind: 'path'; up: number; path: readonly string[] } | { kind: 'number' };

type Node =
  | { t: 'text'; value: string }
  | { t: 'var'; ref: Ref; mode: Mode }
  | { t: 'each'; ref: Ref; body: Node[] }
  | { t: 'if'; ref: Ref; whenTrue: Node[]; whenFalse: Node[] };

export interface Template {
  readonly nodes: readonly Node[];
}

export type CompileResult = { ok: true; template: Template } | { ok: false; errors: TemplateError[] };

type Token =
  | { t: 'text'; value: string; line: number }
  | { t: 'tag'; body: string; line: number; inCode: boolean };

const TAG = /\{\{(.*?)\}\}/g;
const PATH = /^(?:this|@number|[A-Za-z][A-Za-z0-9]*)(?:\.[A-Za-z][A-Za-z0-9]*)*$/;

const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/** Tracks whether template text is inside a fenced code block (across lines) or an inline code span. */
class CodeContext {
  private fence: string | undefined;
  private span = 0;

  startLine(text: string): void {
    this.span = 0;
    const mark = text.match(FENCE)?.[1];
    if (mark === undefined) return;
    if (this.fence === undefined) this.fence = mark;
    else if (mark[0] === this.fence[0] && mark.length >= this.fence.length) this.fence = undefined;
  }

  /** Feed literal text of the current line (outside tags). */
  text(text: string): void {
    if (this.fence !== undefined) return;
    for (const run of text.match(/`+/g) ?? []) {
      if (this.span === 0) this.span = run.length;
      else if (run.length === this.span) this.span = 0;
    }
  }

  get inCode(): boolean {
    return this.fence !== undefined || this.span > 0;
  }
}

function tokenize(source: string, firstLine: number, errors: TemplateError[]): Token[] {
  const tokens: Token[] = [];
  const code = new CodeContext();
  const lines = source.split('\n');
  lines.forEach((text, i) => {
    const line = firstLine + i;
    const newline = i < lines.length - 1 ? '\n' : '';
    const isFenceLine = FENCE.test(text);
    code.startLine(text);
    const standalone = text.match(/^[ \t]*\{\{\s*([#/!].*?|else)\s*\}\}[ \t]*$/);
    if (standalone?.[1] !== undefined && !standalone[1].includes('}}')) {
      tokens.push({ t: 'tag', body: standalone[1], line, inCode: code.inCode });
      return;
    }
    let last = 0;
    for (const m of text.matchAll(TAG)) {
      const at = m.index ?? 0;
      if (at > last) {
        const literal = text.slice(last, at);
        if (!isFenceLine) code.text(literal);
        tokens.push({ t: 'text', value: literal, line });
      }
      tokens.push({ t: 'tag', body: (m[1] ?? '').trim(), line, inCode: code.inCode && !isFenceLine });
      last = at + m[0].length;
    }
    const rest = text.slice(last);
    if (rest.includes('{{')) {
      errors.push({ code: 'BAD_TAG', line, message: `"{{" without a closing "}}" on the same line` });
    }
    if (rest + newline !== '') tokens.push({ t: 'text', value: rest + newline, line });
  });
  return tokens;
}

function describe(spec: FieldSpec): string {
  if (typeof spec === 'string') return spec;
  return 'list' in spec ? 'a list' : 'a group of fields';
}

/** Scope stack while compiling: the root schema, then the item spec of every enclosing `each`. */
class Scopes {
  private readonly stack: FieldSpec[];
  constructor(root: Schema) {
    this.stack = [{ fields: root }];
  }
  push(spec: FieldSpec): void {
    this.stack.push(spec);
  }
  pop(): void {
    this.stack.pop();
  }
  get insideEach(): boolean {
    return this.stack.length > 1;
  }

  resolve(path: string): { ref: Ref; spec: FieldSpec } | { error: string } {
    if (path === '@number') {
      return this.insideEach
        ? { ref: { kind: 'number' }, spec: 'safe' }
        : { error: '"@number" is only known inside {{#each}}' };
    }
    const parts = path.split('.');
    const head = parts[0] ?? '';
    const rest = parts.slice(1);
    if (head === 'this') {
      const current = this.stack[this.stack.length - 1];
      if (!this.insideEach || current === undefined)
        return { error: '"this" is only known inside {{#each}}' };
      return this.walk(current, 0, rest, path);
    }
    for (let up = 0; up < this.stack.length; up++) {
      const spec = this.stack[this.stack.length - 1 - up];
      if (spec !== undefined && typeof spec === 'object' && 'fields' in spec && head in spec.fields) {
        return this.walk(spec, up, parts, path);
      }
    }
    return { error: `unknown variable "${path}" (known here: ${this.knownHere().join(', ')})` };
  }

  private walk(
    start: FieldSpec,
    up: number,
    parts: readonly string[],
    full: string,
  ): { ref: Ref; spec: FieldSpec } | { error: string } {
    let spec = start;
    for (const [i, part] of parts.entries()) {
      if (typeof spec === 'string' || !('fields' in spec)) {
        return { error: `unknown variable "${full}": "${parts.slice(0, i).join('.')}" is ${describe(spec)}` };
      }
      const next: FieldSpec | undefined = Object.hasOwn(spec.fields, part) ? spec.fields[part] : undefined;
      if (next === undefined) {
        const prefix = parts.slice(0, i).join('.');
        const known = Object.keys(spec.fields).map((k) => (prefix ? `${prefix}.${k}` : k));
        return { error: `unknown variable "${full}" (known: ${known.join(', ')})` };
      }
      spec = next;
    }
    return { ref: { kind: 'path', up, path: parts }, spec };
  }

  private knownHere(): string[] {
    const names: string[] = [];
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const spec = this.stack[i];
      if (spec !== undefined && typeof spec === 'object' && 'fields' in spec)
        names.push(...Object.keys(spec.fields));
    }
    if (this.insideEach) names.push('this', '@number');
    return names;
  }
}

interface Frame {
  kind: 'root' | 'each' | 'if';
  line: number;
  nodes: Node[];
  /** For `if`: the true branch once `{{else}}` was seen. */
  whenTrue?: Node[];
  ref?: Ref;
}

/** Compile `source` (whose first line is line `firstLine` of its file) against `schema`. */
export function compileTemplate(source: string, schema: Schema, firstLine = 1): CompileResult {
  const errors: TemplateError[] = [];
  const tokens = tokenize(source, firstLine, errors);
  const scopes = new Scopes(schema);
  const stack: Frame[] = [{ kind: 'root', line: firstLine, nodes: [] }];
  const top = (): Frame => stack[stack.length - 1] as Frame;
  const fail = (code: TemplateErrorCode, line: number, message: string) =>
    errors.push({ code, line, message });

  for (const token of tokens) {
    if (token.t === 'text') {
      top().nodes.push({ t: 'text', value: token.value });
      continue;
    }
    const { body, line } = token;
    if (body.startsWith('!')) continue;
    const block = body.match(/^#(each|if)\s+(\S+)$/);
    if (block) {
      const [, which, path] = block as unknown as [string, 'each' | 'if', string];
      const resolved = PATH.test(path) ? scopes.resolve(path) : { error: `"${path}" is not a variable name` };
      const frame: Frame = { kind: which, line, nodes: [] };
      if ('error' in resolved) {
        fail(PATH.test(path) ? 'UNKNOWN_VARIABLE' : 'BAD_TAG', line, resolved.error);
        frame.ref = { kind: 'number' };
        if (which === 'each') scopes.push('text');
      } else {
        frame.ref = resolved.ref;
        if (which === 'each') {
          const spec = resolved.spec;
          if (typeof spec === 'object' && 'list' in spec) scopes.push(spec.list);
          else {
            fail('WRONG_TYPE', line, `{{#each ${path}}}: "${path}" is ${describe(spec)}, not a list`);
            scopes.push('text');
          }
        }
      }
      stack.push(frame);
      continue;
    }
    if (body === 'else') {
      const frame = top();
      if (frame.kind !== 'if' || frame.whenTrue !== undefined) {
        fail('UNBALANCED_BLOCK', line, '{{else}} outside an {{#if}} block');
        continue;
      }
      frame.whenTrue = frame.nodes;
      frame.nodes = [];
      continue;
    }
    const close = body.match(/^\/(each|if)$/);
    if (close) {
      const frame = top();
      if (frame.kind !== close[1]) {
        const open =
          frame.kind === 'root' ? 'no open block' : `the {{#${frame.kind}}} opened on line ${frame.line}`;
        fail('UNBALANCED_BLOCK', line, `{{/${close[1]}}} does not close anything: ${open} is still open`);
        continue;
      }
      stack.pop();
      const ref = frame.ref ?? { kind: 'number' };
      if (frame.kind === 'each') {
        scopes.pop();
        top().nodes.push({ t: 'each', ref, body: frame.nodes });
      } else {
        const whenTrue = frame.whenTrue ?? frame.nodes;
        const whenFalse = frame.whenTrue ? frame.nodes : [];
        top().nodes.push({ t: 'if', ref, whenTrue, whenFalse });
      }
      continue;
    }
    const variable = body.match(/^(?:(code|raw)\s+)?(\S+)$/);
    if (!variable || !PATH.test(variable[2] ?? '')) {
      fail(
        'BAD_TAG',
        line,
        `"{{${body}}}" is not a tag (expected {{name}}, {{code name}}, {{raw name}}, {{#each}}, {{#if}})`,
      );
      continue;
    }
    const mode: Mode = (variable[1] as Mode | undefined) ?? 'text';
    const path = variable[2] as string;
    const resolved = scopes.resolve(path);
    if ('error' in resolved) {
      fail('UNKNOWN_VARIABLE', line, resolved.error);
      continue;
    }
    if (resolved.spec !== 'text' && resolved.spec !== 'safe') {
      const hint = resolved.spec === 'flag' ? 'use {{#if}}' : 'use {{#each}}';
      fail('WRONG_TYPE', line, `"${path}" is ${describe(resolved.spec)} and cannot be printed; ${hint}`);
      continue;
    }
    if (mode === 'raw' && resolved.spec !== 'safe') {
      fail(
        'RAW_UNTRUSTED',
        line,
        `{{raw ${path}}}: "${path}" is untrusted text; use {{${path}}} or {{code ${path}}}`,
      );
      continue;
    }
    if (mode !== 'raw' && token.inCode) {
      fail(
        'ESCAPED_IN_CODE',
        line,
        `{{${body}}} is inside code, where Markdown escapes show as backslashes: use {{raw ${path}}} for a safe value, or move it out of the code`,
      );
      continue;
    }
    top().nodes.push({ t: 'var', ref: resolved.ref, mode });
  }
  while (stack.length > 1) {
    const frame = stack.pop() as Frame;
    fail('UNBALANCED_BLOCK', frame.line, `{{#${frame.kind}}} opened on line ${frame.line} is never closed`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, template: { nodes: (stack[0] as Frame).nodes } };
}

interface RenderScope {
  value: TemplateValue;
  index: number;
}

function lookup(scopes: readonly RenderScope[], ref: Ref): TemplateValue {
  const current = scopes[scopes.length - 1];
  if (ref.kind === 'number') return (current?.index ?? 0) + 1;
  const scope = scopes[scopes.length - 1 - ref.up];
  let value: TemplateValue = scope?.value;
  for (const part of ref.path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as { readonly [name: string]: TemplateValue };
    value = Object.hasOwn(record, part) ? record[part] : undefined;
  }
  return value;
}

function truthy(value: TemplateValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function renderNodes(nodes: readonly Node[], scopes: RenderScope[], escaper: Escaper, out: string[]): void {
  for (const node of nodes) {
    switch (node.t) {
      case 'text':
        out.push(node.value);
        break;
      case 'var': {
        const value = lookup(scopes, node.ref);
        const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
        out.push(escaper[node.mode](text));
        break;
      }
      case 'each': {
        const list = lookup(scopes, node.ref);
        if (!Array.isArray(list)) break;
        list.forEach((item: TemplateValue, index: number) => {
          scopes.push({ value: item, index });
          renderNodes(node.body, scopes, escaper, out);
          scopes.pop();
        });
        break;
      }
      case 'if':
        renderNodes(truthy(lookup(scopes, node.ref)) ? node.whenTrue : node.whenFalse, scopes, escaper, out);
        break;
    }
  }
}

export function renderTemplate(template: Template, context: TemplateValue, escaper: Escaper): string {
  const out: string[] = [];
  renderNodes(template.nodes, [{ value: context, index: 0 }], escaper, out);
  return out.join('');
}
