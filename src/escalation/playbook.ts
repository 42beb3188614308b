import { PLAYBOOK_SCHEMA } from './case-view';
import { compileTemplate, type Template, type TemplateErrorCode } from './template';
import { CASE_KINDS, type CaseKind } from './types';

/**
 * Playbooks: one Markdown template per kind of case, under `advisories/playbooks/<kind>.md`.
 *
 *   ---
 *   kind: unknown-root
 *   title: Unknown root for {{vendor.name}}
 *   ---
 *   Preamble (Markdown; may have its own `## ` sections).
 *
 *   ## Step: Confirm the fingerprints on your own machine
 *   Detail of step 1 (Markdown), up to the next `## ` heading.
 *
 *   ## Step: ...
 *
 *   ## Any other heading after the steps starts the appendix.
 *
 * Steps are numbered in file order. Every part is compiled against `PLAYBOOK_SCHEMA` when loaded.
 */

export const MIN_STEPS = 3;

export interface PlaybookStep {
  title: Template;
  detail: Template;
}

export interface Playbook {
  kind: CaseKind;
  file: string;
  title: Template;
  preamble: Template;
  steps: readonly PlaybookStep[];
  appendix: Template;
}

export type Playbooks = Readonly<Record<CaseKind, Playbook>>;

export type PlaybookErrorCode =
  | TemplateErrorCode
  | 'MISSING_PLAYBOOK'
  | 'BAD_FRONT_MATTER'
  | 'TOO_FEW_STEPS'
  | 'BAD_STRUCTURE';

export interface PlaybookError {
  file: string;
  line: number;
  code: PlaybookErrorCode;
  message: string;
}

export type LoadPlaybooksResult =
  | { ok: true; playbooks: Playbooks }
  | { ok: false; errors: PlaybookError[]; message: string };

/** Where a kind's playbook lives in the repository (used in error messages unless told otherwise). */
export const playbookFile = (kind: CaseKind): string => `advisories/playbooks/${kind}.md`;

export interface LoadPlaybooksOptions {
  /** The file name to name in errors, when the platform read the playbooks from somewhere else. */
  fileOf?: (kind: CaseKind) => string;
}

interface Part {
  text: string;
  line: number;
}

const STEP_HEADING = /^##[ \t]+Step:[ \t]*(.*?)[ \t]*$/;
const HEADING = /^##[ \t]/;
const STEP_LIKE = /^##[ \t]+step\b/i;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;
const FRONT_MATTER_KEYS = ['kind', 'title'] as const;

function parseFrontMatter(
  lines: readonly string[],
  fail: (line: number, code: PlaybookErrorCode, message: string) => void,
): { fields: Record<string, Part>; bodyStart: number } | undefined {
  if (lines[0]?.trim() !== '---') {
    fail(1, 'BAD_FRONT_MATTER', 'the file must start with a "---" front matter block (kind, title)');
    return undefined;
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) {
    fail(1, 'BAD_FRONT_MATTER', 'the front matter opened on line 1 is never closed with "---"');
    return undefined;
  }
  const fields: Record<string, Part> = {};
  for (let i = 1; i < end; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const m = raw.match(/^([A-Za-z]+):[ \t]*(.*?)[ \t]*$/);
    const key = m?.[1];
    if (m === null || key === undefined) {
      fail(i + 1, 'BAD_FRONT_MATTER', `expected "key: value", got "${raw.trim()}"`);
      continue;
    }
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      fail(
        i + 1,
        'BAD_FRONT_MATTER',
        `unknown front matter key "${key}" (known: ${FRONT_MATTER_KEYS.join(', ')})`,
      );
      continue;
    }
    let value = m[2] ?? '';
    const quoted = value.match(/^"(.*)"$|^'(.*)'$/);
    if (quoted) value = quoted[1] ?? quoted[2] ?? '';
    fields[key] = { text: value, line: i + 1 };
  }
  return { fields, bodyStart: end + 1 };
}

interface Sections {
  preamble: Part;
  steps: { title: Part; detail: Part }[];
  appendix: Part;
}

/** Split the body into preamble, steps and appendix at `## ` headings outside code fences. */
function splitSections(
  lines: readonly string[],
  start: number,
  fail: (line: number, code: PlaybookErrorCode, message: string) => void,
): Sections {
  const sections: Sections = {
    preamble: { text: '', line: start + 1 },
    steps: [],
    appendix: { text: '', line: lines.length + 1 },
  };
  let phase: 'preamble' | 'steps' | 'appendix' = 'preamble';
  let current: string[] = [];
  let currentStart = start + 1;
  let fence: string | undefined;
  const flush = () => {
    const part = { text: current.join('\n'), line: currentStart };
    if (phase === 'preamble') sections.preamble = part;
    else if (phase === 'appendix') sections.appendix = part;
    else {
      const step = sections.steps[sections.steps.length - 1];
      if (step) step.detail = part;
    }
  };
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    const fenceMark = raw.match(FENCE)?.[1];
    if (fenceMark !== undefined) {
      if (fence === undefined) fence = fenceMark;
      else if (fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
    }
    if (fence === undefined && fenceMark === undefined && HEADING.test(raw)) {
      const step = raw.match(STEP_HEADING);
      if (step) {
        if (phase === 'appendix') {
          fail(
            lineNo,
            'BAD_STRUCTURE',
            'a step after the appendix: all "## Step:" sections must come together',
          );
        }
        flush();
        phase = 'steps';
        const title = step[1] ?? '';
        if (title === '') fail(lineNo, 'BAD_STRUCTURE', 'a step heading without a title');
        sections.steps.push({ title: { text: title, line: lineNo }, detail: { text: '', line: lineNo + 1 } });
        current = [];
        currentStart = lineNo + 1;
        continue;
      }
      if (STEP_LIKE.test(raw)) {
        fail(lineNo, 'BAD_STRUCTURE', `write step headings as "## Step: <title>" (numbers are automatic)`);
      }
      if (phase === 'steps') {
        flush();
        phase = 'appendix';
        current = [];
        currentStart = lineNo;
      }
    }
    current.push(raw);
  }
  if (fence !== undefined) fail(lines.length, 'BAD_STRUCTURE', `a code fence (${fence}) is never closed`);
  flush();
  return sections;
}

function loadOne(
  kind: CaseKind,
  file: string,
  source: string | undefined,
  errors: PlaybookError[],
): Playbook | undefined {
  const before = errors.length;
  const fail = (line: number, code: PlaybookErrorCode, message: string) =>
    errors.push({ file, line, code, message });
  if (source === undefined || source.trim() === '') {
    fail(0, 'MISSING_PLAYBOOK', `no playbook for case kind "${kind}"`);
    return undefined;
  }
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const front = parseFrontMatter(lines, fail);
  if (!front) return undefined;
  const kindField = front.fields.kind;
  if (kindField?.text !== kind) {
    fail(kindField?.line ?? 1, 'BAD_FRONT_MATTER', `front matter "kind" must be "${kind}"`);
  }
  const titleField = front.fields.title;
  if (titleField === undefined || titleField.text === '')
    fail(1, 'BAD_FRONT_MATTER', 'front matter "title" is missing');

  const compile = (part: Part): Template | undefined => {
    const result = compileTemplate(part.text, PLAYBOOK_SCHEMA, part.line);
    if (result.ok) return result.template;
    for (const e of result.errors) fail(e.line, e.code, e.message);
    return undefined;
  };
  const sections = splitSections(lines, front.bodyStart, fail);
  if (sections.steps.length < MIN_STEPS) {
    fail(
      front.bodyStart + 1,
      'TOO_FEW_STEPS',
      `${sections.steps.length} step(s); a playbook needs at least ${MIN_STEPS} "## Step: <title>" sections`,
    );
  }
  const title = compile(titleField ?? { text: '', line: 1 });
  const preamble = compile(sections.preamble);
  const steps = sections.steps.map((s) => ({ title: compile(s.title), detail: compile(s.detail) }));
  const appendix = compile(sections.appendix);
  if (errors.length > before || !title || !preamble || !appendix) return undefined;
  return {
    kind,
    file,
    title,
    preamble,
    steps: steps.map((s) => ({ title: s.title as Template, detail: s.detail as Template })),
    appendix,
  };
}

export function formatPlaybookErrors(errors: readonly PlaybookError[]): string {
  return [
    `${errors.length} problem(s) in the escalation playbooks:`,
    ...errors.map((e) => `  ${e.file}${e.line > 0 ? `:${e.line}` : ''}: ${e.message} [${e.code}]`),
  ].join('\n');
}

/**
 * Validate and compile the playbook of every case kind. `sources` maps a kind to the text of
 * `advisories/playbooks/<kind>.md`; the platform reads the files and refuses to start on an error.
 */
export function loadPlaybooks(
  sources: Partial<Record<CaseKind, string>>,
  options: LoadPlaybooksOptions = {},
): LoadPlaybooksResult {
  const fileOf = options.fileOf ?? playbookFile;
  const errors: PlaybookError[] = [];
  const loaded: Partial<Record<CaseKind, Playbook>> = {};
  for (const kind of CASE_KINDS) {
    const playbook = loadOne(kind, fileOf(kind), sources[kind], errors);
    if (playbook) loaded[kind] = playbook;
  }
  if (errors.length > 0) return { ok: false, errors, message: formatPlaybookErrors(errors) };
  return { ok: true, playbooks: loaded as Playbooks };
}
