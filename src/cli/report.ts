import { neutralise } from '../escalation/markdown-escape';
import { worstExit } from './exit-codes';
import type { Failure } from './failure';
import { anchorKind, type PackageOutcome, type Summary, summarise, type VerdictBody } from './outcome';

/** Where a verdict's case can be read (on-call: `trustgate case ID`), or null offline. */
export type CaseLink = (id: string) => string | null;

const shortHex = (hex: string) => hex.slice(0, 16);

/**
 * Values from a signature (subjects) or a server (details) are shown on one line with every control,
 * invisible and bidirectional character made visible: a certificate cannot move the cursor, recolour the
 * terminal or start a line of its own (a CI workflow command).
 */
export const shown = (value: string) => neutralise(value);

/** Codes once each, in first-seen order (a warning repeats per certificate of the path). */
const codes = (list: Array<{ code: string }>) => [...new Set(list.map((r) => shown(r.code)))].join(', ');

/** What the anchor is called on a line: a vendor's root, or a certificate pinned as the signer itself. */
export const anchorWord = (anchor: { kind?: unknown } | null | undefined) =>
  anchorKind(anchor) === 'signer' ? 'pinned signer' : 'anchor';

/**
 * A file with several signatures (a PE file's entries and nested ones): each one's verdict and reason
 * codes, e.g. `2 signatures: 1 rejected (WEAK_DIGEST_ALGORITHM), 1.1 trusted`. Null for one or none:
 * the verdict itself says it all then.
 */
export function signaturesText(verdict: VerdictBody): string | null {
  const signatures = verdict.signatures ?? [];
  if (signatures.length < 2) return null;
  const each = signatures.map((one) => {
    const pinned =
      one.verdict === 'trusted' && anchorKind(one.anchor) === 'signer' ? ' by a pinned signer' : '';
    const why = one.reasons.length ? ` (${codes(one.reasons)})` : '';
    return `${shown(one.id)} ${shown(one.verdict)}${pinned}${why}`;
  });
  return `${signatures.length} signatures: ${each.join(', ')}`;
}

/** One line per package: verdict, path, reason codes, signer, and the anchor or the case. */
export function humanLine(outcome: PackageOutcome, caseLink: CaseLink): string {
  const head = `${(outcome.verdict?.verdict ?? 'error').padEnd(12)}  ${shown(outcome.package)}`;
  if (outcome.failure) return `${head}  ${failureText(outcome.failure)}`;
  const verdict = outcome.verdict;
  if (!verdict) return head;
  const parts: string[] = [head];
  if (verdict.reasons.length) parts.push(codes(verdict.reasons));
  if (verdict.signer) parts.push(`signer "${shown(verdict.signer.subject)}"`);
  if (verdict.anchor)
    parts.push(
      `${anchorWord(verdict.anchor)} ${shown(verdict.anchor.vendor)} ${shortHex(shown(verdict.anchor.sha256))} "${shown(verdict.anchor.subject)}"`,
    );
  if (verdict.escalation) {
    const link = caseLink(verdict.escalation.id);
    parts.push(`case ${shown(verdict.escalation.id)}${link ? ` ${shown(link)}` : ''}`);
  } else if (verdict.verdict === 'unknown_root' && caseLink('') === null) {
    const top = verdict.chain?.at(-1);
    parts.push(
      `no case opened (offline)${top ? `: top certificate "${shown(top.subject)}" sha256 ${shown(top.sha256)}` : ''}`,
    );
  }
  const several = signaturesText(verdict);
  if (several) parts.push(several);
  if (verdict.warnings?.length) parts.push(`warnings ${codes(verdict.warnings)}`);
  return parts.join('  ');
}

export const failureText = (failure: Failure) => `${shown(failure.code)}: ${shown(failure.detail)}`;

export function summaryLine(summary: Summary): string {
  return `${summary.packages} packages: ${summary.trusted} trusted, ${summary.rejected} rejected, ${summary.unknown_root} unknown_root, ${summary.errors} errors`;
}

/** Fields the command itself writes in a --json result: a server's answer cannot set or overwrite them. */
const OWN_FIELDS = new Set(['package', 'signature', 'exitCode', 'error']);
const serverFields = (verdict: object) =>
  Object.fromEntries(Object.entries(verdict).filter(([key]) => !OWN_FIELDS.has(key)));

/** The --json document: every result as the server gave it, the summary and the exit code. */
export function jsonReport(outcomes: PackageOutcome[], mode: 'server' | 'offline'): string {
  const results = outcomes.map((o) => ({
    package: o.package,
    signature: o.signature,
    exitCode: o.exit,
    ...(o.verdict ? serverFields(o.verdict) : {}),
    ...(o.failure
      ? {
          error: {
            code: o.failure.code,
            detail: o.failure.detail,
            ...(o.failure.status !== undefined ? { status: o.failure.status } : {}),
          },
        }
      : {}),
  }));
  return `${JSON.stringify(
    { mode, results, summary: summarise(outcomes), exitCode: worstExit(outcomes.map((o) => o.exit)) },
    null,
    2,
  )}\n`;
}
