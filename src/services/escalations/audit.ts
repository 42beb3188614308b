import type { EscalationCase } from '../../escalation';
import { auditEntry } from '../../trust';
import type { EscalationDeps } from './deps';

/** Appends the audit row of a case's opening, step or resolution (joins write none). */
export type CaseAudit = (
  action: string,
  c: EscalationCase,
  actor: string,
  reason: string | null,
  before: unknown,
) => Promise<void>;

export function createCaseAudit(deps: Pick<EscalationDeps, 'appendAudit' | 'now'>): CaseAudit {
  return async (action, c, actor, reason, before) => {
    await deps.appendAudit(
      auditEntry(
        action,
        { type: 'escalation', id: c.id, vendorId: c.vendorId },
        { actor, at: deps.now(), reason },
        {
          before,
          after: {
            state: c.state,
            verificationsBlocked: c.verificationsBlocked,
            steps: c.steps,
            resolution: c.resolution,
          },
        },
      ),
    );
  };
}
