import { TrustgateError } from '../../errors';
import { type ApprovedRoot, casesSettledByRoot, type EscalationCase } from '../../escalation';
import type { EscalationDeps } from './deps';

type ResolveCase = (
  id: string,
  input: { outcome: 'approved'; note: string; actor: string },
) => Promise<EscalationCase>;

/**
 * An approved root answers the open cases whose chain it completes: resolve them as approved. A case
 * someone else resolved meanwhile is left as it is.
 */
export async function settleByRoot(
  deps: Pick<EscalationDeps, 'cases'>,
  resolveCase: ResolveCase,
  root: ApprovedRoot,
  actor: string,
): Promise<EscalationCase[]> {
  const open = await deps.cases.list({ state: 'open', vendorId: root.vendorId, limit: 500 });
  const settled: EscalationCase[] = [];
  for (const c of casesSettledByRoot(open, root)) {
    try {
      settled.push(
        await resolveCase(c.id, {
          outcome: 'approved',
          note: `root ${root.subject} approved and active`,
          actor,
        }),
      );
    } catch (error) {
      if (!(error instanceof TrustgateError && error.code === 'INVALID_STATE')) throw error;
    }
  }
  return settled;
}
