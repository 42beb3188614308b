import { caseView } from './case-view';
import { markdownEscaper, plainEscaper } from './escapers';
import { escapeMarkdown, neutralise } from './markdown-escape';
import type { Playbook } from './playbook';
import { renderTemplate } from './template';
import type { CaseFacts, RenderedCase, Step, StepProgress } from './types';

/**
 * Fill a playbook with the facts of one case: the ordered checklist (for the JSON verdict and
 * `GET /escalations/{id}`) and the whole Markdown document (for `Accept: text/markdown`).
 */

/** Trailing spaces removed, runs of blank lines (left by block tags) collapsed, outside code fences. */
function tidy(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const mark = line.match(/^[ \t]{0,3}(`{3,}|~{3,})/)?.[1];
    if (mark !== undefined) {
      if (fence === undefined) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = undefined;
      out.push(line.trimEnd());
      continue;
    }
    if (fence === undefined && line.trim() === '' && (out.length === 0 || out[out.length - 1] === ''))
      continue;
    out.push(fence === undefined ? line.trimEnd() : line);
  }
  return out.join('\n').trim();
}

function statusLine(progress: StepProgress | undefined): string {
  if (!progress) return '- [ ] Not done yet';
  const time = Date.parse(progress.at);
  const at = Number.isNaN(time) ? escapeMarkdown(progress.at) : new Date(time).toISOString();
  const by = `${escapeMarkdown(progress.actor)}, ${at}`;
  const note = progress.note.trim() === '' ? '' : `: ${escapeMarkdown(progress.note)}`;
  return `${progress.done ? '- [x] Done' : '- [ ] Reopened'} (${by})${note}`;
}

export function renderCase(playbook: Playbook, facts: CaseFacts): RenderedCase {
  const view = caseView(facts);
  const progress = new Map((facts.steps ?? []).map((s) => [s.n, s]));
  const checklist: Step[] = playbook.steps.map((step, i) => ({
    n: i + 1,
    title: neutralise(renderTemplate(step.title, view, plainEscaper).trim()),
    detail: tidy(renderTemplate(step.detail, view, markdownEscaper)),
    text: tidy(renderTemplate(step.detail, view, plainEscaper)),
    done: progress.get(i + 1)?.done ?? false,
  }));

  const title = neutralise(renderTemplate(playbook.title, view, markdownEscaper).trim());
  const parts = [
    `# ${title}`,
    tidy(renderTemplate(playbook.preamble, view, markdownEscaper)),
    '## Checklist',
  ];
  playbook.steps.forEach((step, i) => {
    const heading = neutralise(renderTemplate(step.title, view, markdownEscaper).trim());
    parts.push(`### ${i + 1}. ${heading}`, statusLine(progress.get(i + 1)));
    const detail = checklist[i]?.detail ?? '';
    if (detail !== '') parts.push(detail);
  });
  parts.push(tidy(renderTemplate(playbook.appendix, view, markdownEscaper)));
  return { checklist, markdown: `${parts.filter((p) => p !== '').join('\n\n')}\n` };
}
