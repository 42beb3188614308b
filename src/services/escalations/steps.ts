import { TrustgateError } from '../../errors';
import { applyStep, type EscalationCase, resolve, type StoredCase } from '../../escalation';
import type { CaseAudit } from './audit';
import type { EscalationDeps } from './deps';
import type { CaseNotifier } from './webhook';

const MAX_CONCURRENT_RETRIES = 3;

export interface CaseChangeDeps extends Pick<EscalationDeps, 'cases' | 'now'> {
  load: (id: string) => Promise<StoredCase>;
  audit: CaseAudit;
  notify: CaseNotifier;
}

/** On-call work on an open case: ticking playbook steps off (or back on) and resolving it. */
export function createCaseChanges(deps: CaseChangeDeps) {
  async function markStep(id: string, n: number, input: { done: boolean; note?: string; actor: string }) {
    return change(
      deps,
      id,
      (c) =>
        applyStep(c, n, { done: input.done, note: input.note ?? '', actor: input.actor, at: deps.now() }),
      input.done ? 'escalation.step.done' : 'escalation.step.undone',
      input.actor,
      input.note ?? null,
    );
  }

  async function resolveCase(
    id: string,
    input: { outcome: 'approved' | 'rejected'; note?: string; actor: string },
  ) {
    const resolved = await change(
      deps,
      id,
      (c) =>
        resolve(c, { outcome: input.outcome, note: input.note ?? '', actor: input.actor, at: deps.now() }),
      `escalation.resolve.${input.outcome}`,
      input.actor,
      input.note ?? null,
    );
    deps.notify('escalation.resolved', resolved);
    return resolved;
  }

  return { markStep, resolve: resolveCase };
}

/** Applies `apply` to the stored case and writes it if no one changed it meanwhile, with its audit row. */
async function change(
  deps: CaseChangeDeps,
  id: string,
  apply: (c: EscalationCase) => ReturnType<typeof applyStep>,
  action: string,
  actor: string,
  reason: string | null,
): Promise<EscalationCase> {
  for (let attempt = 0; attempt < MAX_CONCURRENT_RETRIES; attempt++) {
    const stored = await deps.load(id);
    const result = apply(stored.case);
    if (!result.ok) {
      const code = result.error.code === 'CASE_NOT_OPEN' ? 'INVALID_STATE' : 'INVALID_FIELD';
      throw new TrustgateError(code, result.error.message);
    }
    if (await deps.cases.update(result.case, stored.version)) {
      await deps.audit(action, result.case, actor, reason, {
        state: stored.case.state,
        steps: stored.case.steps,
      });
      return result.case;
    }
  }
  throw new TrustgateError('CONFLICT', `escalation case ${id} changed concurrently; try again`);
}
