import { TrustgateError } from '../../errors';
import {
  type CaseState,
  type EscalationCase,
  factsFromCase,
  type RenderedCase,
  renderCase,
  type StoredCase,
} from '../../escalation';
import type { EscalationDeps } from './deps';
import { caseSurroundings } from './surroundings';

/** Reading cases: the stored case by id, a filtered list, and a case rendered with its playbook (Markdown). */
export function createCaseViews(
  deps: Pick<
    EscalationDeps,
    'cases' | 'playbooks' | 'vendors' | 'evidence' | 'serviceBaseUrl' | 'activeRoots' | 'feedCount'
  >,
) {
  async function render(c: EscalationCase): Promise<RenderedCase> {
    const vendor = await deps.vendors.getVendor(c.vendorId);
    const evidence = (await deps.evidence?.forTop(c.vendorId, c.top)) ?? { advisories: [], candidates: [] };
    const surroundings = await caseSurroundings(deps, c);
    const facts = factsFromCase(c, {
      vendor: { id: c.vendorId, name: vendor?.name ?? c.vendorId, contacts: vendor?.contacts ?? [] },
      advisories: evidence.advisories,
      candidates: evidence.candidates,
      serviceBaseUrl: deps.serviceBaseUrl,
      ...(surroundings ? { surroundings } : {}),
    });
    const rendered = renderCase(deps.playbooks[c.kind], facts);
    return surroundings ? { ...rendered, context: surroundings } : rendered;
  }

  async function load(id: string): Promise<StoredCase> {
    const stored = await deps.cases.get(id);
    if (!stored) throw new TrustgateError('NOT_FOUND', `no escalation case ${id}`);
    return stored;
  }

  async function get(id: string): Promise<{ case: EscalationCase; rendered: RenderedCase }> {
    const stored = await load(id);
    return { case: stored.case, rendered: await render(stored.case) };
  }

  const list = (filter: { state?: CaseState; vendorId?: string; limit?: number }) => deps.cases.list(filter);

  return { render, load, get, list };
}

export type CaseViews = ReturnType<typeof createCaseViews>;
