import { escapeMarkdown } from '../escalation/markdown-escape';
import type { PackageOutcome, Summary } from './outcome';
import { anchorKind } from './outcome';
import { type CaseLink, failureText, shown, signaturesText } from './report';

/** Is this a GitHub Actions job (the runner sets GITHUB_ACTIONS=true)? Elsewhere nothing CI-specific. */
export const inGitHubActions = (env: Record<string, string | undefined>) => env.GITHUB_ACTIONS === 'true';

/**
 * The URL of this GitHub Actions run (the job's page is one click from it), from the runner's variables;
 * undefined outside GitHub Actions or when one is missing.
 */
export function gitHubRunUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (!inGitHubActions(env) || !server || !repo || !run) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${encodeURIComponent(env.GITHUB_RUN_ATTEMPT)}` : '';
  return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${encodeURIComponent(run)}${attempt}`;
}

// Workflow-command escaping: a value cannot end the command or start another one.
const commandData = (value: string) =>
  value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const commandProperty = (value: string) => commandData(value).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** `::notice` for a trusted package, `::error` for everything else, on the package's file. */
export function annotation(outcome: PackageOutcome, caseLink: CaseLink): string {
  const trusted = outcome.verdict?.verdict === 'trusted';
  const verdict = outcome.verdict?.verdict ?? 'error';
  const title = `trustgate: ${verdict}`;
  let message: string;
  if (outcome.failure) message = failureText(outcome.failure);
  else if (trusted)
    message = `signed by "${shown(outcome.verdict?.signer?.subject ?? '')}" under ${shown(outcome.verdict?.anchor?.vendor ?? '')} ${anchorKind(outcome.verdict?.anchor) === 'signer' ? 'pinned signer' : 'root'} "${shown(outcome.verdict?.anchor?.subject ?? '')}"`;
  else {
    const reasons = (outcome.verdict?.reasons ?? [])
      .map((r) => `${shown(r.code)}: ${shown(r.message)}`)
      .join('; ');
    const id = outcome.verdict?.escalation?.id;
    const link = id ? caseLink(id) : null;
    message = `${reasons}${id ? ` (escalation case ${shown(id)}${link ? ` ${shown(link)}` : ''})` : ''}`;
  }
  const several = outcome.verdict ? signaturesText(outcome.verdict) : null;
  if (several) message += `; ${several}`;
  return `::${trusted ? 'notice' : 'error'} file=${commandProperty(outcome.package)},title=${commandProperty(title)}::${commandData(message)}`;
}

// Every value is escaped (a pipe would end the cell, a bracket start a link), codes and ids included:
// they come from the server, and a summary is rendered as the job's page.
const cell = (value: string) => escapeMarkdown(value);

/** The job summary (GITHUB_STEP_SUMMARY): a table of every package, with untrusted text escaped. */
export function stepSummary(
  outcomes: PackageOutcome[],
  summary: Summary,
  context: { vendor: string; mode: 'server' | 'offline'; caseLink: CaseLink },
): string {
  const lines = [
    `### trustgate verify: ${summary.trusted} of ${summary.packages} trusted (vendor ${cell(context.vendor)}, ${context.mode})`,
    '',
    '| package | verdict | reasons | signer, anchor or case |',
    '|---|---|---|---|',
  ];
  for (const o of outcomes) {
    const verdict = o.verdict?.verdict ?? 'error';
    const reasons = o.failure
      ? cell(o.failure.code)
      : (o.verdict?.reasons ?? []).map((r) => cell(r.code)).join(', ');
    let about = '';
    if (o.failure) about = cell(o.failure.detail);
    else if (o.verdict?.verdict === 'trusted')
      about = `${cell(o.verdict.signer?.subject ?? '')}; ${anchorKind(o.verdict.anchor) === 'signer' ? 'pinned signer' : 'root'} ${cell(o.verdict.anchor?.subject ?? '')}`;
    else if (o.verdict?.escalation) {
      const link = context.caseLink(o.verdict.escalation.id);
      // The link is the command's own server URL and a percent-encoded id: nothing a signature chose.
      about = link
        ? `case [${cell(o.verdict.escalation.id)}](<${link}>)`
        : `case ${cell(o.verdict.escalation.id)}`;
    } else if (o.verdict?.signer) about = cell(o.verdict.signer.subject);
    lines.push(
      `| ${cell(o.package)} | ${verdict === 'trusted' ? 'trusted' : `**${verdict}**`} | ${reasons} | ${about} |`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}
