import { toHex } from '../../encoding';
import { type ApprovedRoot, escalationLimits, type VerdictEscalation } from '../../escalation';
import { createCaseAudit } from './audit';
import type { EscalationDeps } from './deps';
import { createEscalator } from './opening';
import { settleByRoot } from './settlement';
import { createCaseChanges } from './steps';
import { createCaseViews } from './views';
import { createCaseNotifier } from './webhook';

export type { EscalationDeps } from './deps';
export { caseKindFor } from './opening';
export { activeRootsEverywhere } from './surroundings';

/**
 * The escalation use cases over one set of ports: opening or joining cases for blocked verifications
 * (escalation-opening), reading and rendering them (escalation-views), on-call steps and resolution
 * (escalation-steps), settling by an approved root (escalation-settlement), with the audit rows
 * (escalation-audit) and webhook events (escalation-webhook) those write.
 */
export function createEscalationService(deps: EscalationDeps) {
  const newId = (prefix: string) => `${prefix}_${toHex(deps.randomBytes(new Uint8Array(10)))}`;
  const views = createCaseViews(deps);
  const audit = createCaseAudit(deps);
  const notify = createCaseNotifier(deps, newId);
  const changes = createCaseChanges({ cases: deps.cases, now: deps.now, load: views.load, audit, notify });
  const escalate = createEscalator({
    cases: deps.cases,
    playbooks: deps.playbooks,
    now: deps.now,
    limits: escalationLimits(deps.limits),
    newId,
    render: views.render,
    audit,
    notify,
  });

  return {
    escalate,
    render: views.render,
    get: views.get,
    list: views.list,
    markStep: changes.markStep,
    resolve: changes.resolve,
    /** An approved root answers the open cases whose chain it completes: resolve them as approved. */
    settleByRoot: (root: ApprovedRoot, actor: string) => settleByRoot(deps, changes.resolve, root, actor),
  };
}

export type EscalationService = ReturnType<typeof createEscalationService>;

export type { VerdictEscalation };
