import type { EscalationCase } from '../escalation';
import type { CandidateWithRoot } from '../services/feeds/candidates';
import type { Anchor, AuditRecord, Vendor } from '../trust';
import type { VendorChange } from '../trust/vendor-changes';
import type { ConsoleDeps } from './deps';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far ahead the overview warns of a root or pinned signer running out. */
export const EXPIRY_WARNING_DAYS = 90;
const RECENT_AUDIT = 15;
const OPEN_CASES = 100;

/** A pending anchor with the words of the admin who proposed it, from the audit log. */
export interface PendingAnchor {
  anchor: Anchor;
  proposedAt: string;
  reason: string | null;
}

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
  pendingAnchors: PendingAnchor[];
  pendingChanges: VendorChange[];
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
  const pendingAnchors: PendingAnchor[] = [];
  const pendingChanges: VendorChange[] = [];
  const expiring: Anchor[] = [];
  for (const vendor of vendors) {
    const anchors = [
      ...(await trustAdmin.listRoots(vendor.id)),
      ...(await trustAdmin.listSigners(vendor.id)),
    ];
    for (const anchor of anchors) {
      if (anchor.state === 'pending') {
        const history = await trustAdmin.listAudit({
          vendorId: vendor.id,
          targetId: anchor.sha256,
          limit: 20,
        });
        const proposal = history.find((h) => h.action.endsWith('.propose'));
        pendingAnchors.push({
          anchor,
          proposedAt: proposal?.at ?? anchor.createdAt,
          reason: proposal?.reason ?? null,
        });
      }
      if (anchor.state === 'active' && Date.parse(anchor.notAfter) - now <= EXPIRY_WARNING_DAYS * DAY_MS) {
        expiring.push(anchor);
      }
    }
    pendingChanges.push(
      ...(await trustAdmin.listVendorChanges(vendor.id)).filter((ch) => ch.state === 'pending'),
    );
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
    pendingAnchors,
    pendingChanges,
    newCandidates,
    feedProblems,
    expiring,
    recentAudit,
  };
}
