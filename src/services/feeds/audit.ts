import type { StoredFeed } from '../../advisories';
import { type AuditEntry, auditEntry } from '../../trust';

/** Appends one audit entry about a feed (subscription, enabling, disabling, an advisory edit). */
export type FeedAuditor = (
  action: string,
  feed: Pick<StoredFeed, 'id' | 'vendorId'>,
  who: { actor: string; reason: string | null },
  change: { before: unknown; after: unknown },
) => Promise<void>;

export function feedAuditor(appendAudit: (entry: AuditEntry) => Promise<void>, now: () => Date): FeedAuditor {
  return (action, feed, who, change) =>
    appendAudit(
      auditEntry(
        action,
        { type: 'feed', id: feed.id, vendorId: feed.vendorId },
        { actor: who.actor, at: now(), reason: who.reason },
        change,
      ),
    );
}
