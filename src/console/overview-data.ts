import type { EscalationCase } from '../escalation';
import type { CandidateWithRoot } from '../services/feeds/candidates';
import type { Anchor, AuditRecord, Vendor } from '../trust';
import type { ConsoleDeps } from './deps';
import { loadPendingApprovals, type PendingApprovals } from './pending-approvals';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far ahead the overview warns of a root or pinned signer running out. */
export const EXPIRY_WARNING_DAYS = 90;
const RECENT_AUDIT = 15;
const OPEN_CASES = 100;

export interface FeedProblem {
  id: string;
  vendorId: string;
  url: string;
  status: string;
  consecutiveFailures: number;
  disabledReason: string | null;
  lastError: string | null;
}

export interface Overview {
  vendors: Vendor[];
  openCases: EscalationCase[];
  pending: PendingApprovals;
  newCandidates: CandidateWithRoot[];
  feedProblems: FeedProblem[];
  expiring: Anchor[];
  recentAudit: AuditRecord[];
}

/** Everything the overview shows, read through the same use cases as the API. */
export async function loadOverview(deps: ConsoleDeps): Promise<Overview> {
  const { trustAdmin } = deps;
  const now = deps.now().getTime();
  const vendors = await trustAdmin.listVendors();
  const expiring: Anchor[] = [];
  for (const vendor of vendors) {
    const anchors = [
      ...(await trustAdmin.listRoots(vendor.id)),
      ...(await trustAdmin.listSigners(vendor.id)),
    ];
    for (const anchor of anchors) {
      if (anchor.state === 'active' && Date.parse(anchor.notAfter) - now <= EXPIRY_WARNING_DAYS * DAY_MS) {
        expiring.push(anchor);
      }
    }
  }
  expiring.sort((a, b) => a.notAfter.localeCompare(b.notAfter));

  const openCases = deps.escalations ? await deps.escalations.list({ state: 'open', limit: OPEN_CASES }) : [];
  const newCandidates = deps.feeds
    ? (await deps.feeds.listCandidates()).filter((candidate) => candidate.root === null)
    : [];
  const feedProblems: FeedProblem[] = deps.feeds
    ? (await deps.feeds.list())
        .filter((feed) => feed.state.status !== 'active' || feed.state.consecutiveFailures > 0)
        .map((feed) => ({
          id: feed.id,
          vendorId: feed.vendorId,
          url: feed.url,
          status: feed.state.status,
          consecutiveFailures: feed.state.consecutiveFailures,
          disabledReason: feed.state.disabledReason,
          lastError: feed.state.lastError,
        }))
    : [];
  const recentAudit = await trustAdmin.listAudit({ limit: RECENT_AUDIT, newestFirst: true });
  return {
    vendors,
    openCases,
    pending: await loadPendingApprovals(deps),
    newCandidates,
    feedProblems,
    expiring,
    recentAudit,
  };
}
