import type { AuditEntry } from './model';

/** What an audited change touched: the row's kind and key, and the vendor it belongs to (if any). */
export interface AuditTarget {
  type: AuditEntry['targetType'];
  id: string;
  vendorId: string | null;
}

/** Who made the change, when, and why (the reason an admin gave; null for automatic changes). */
export interface AuditContext {
  actor: string;
  at: Date | string;
  reason?: string | null;
}

/**
 * The one way an audit entry is made: every change to trust data (and every case or feed event) is written
 * with the state before and after, so that the log alone tells what changed, by whom and why.
 */
export function auditEntry(
  action: string,
  target: AuditTarget,
  context: AuditContext,
  change: { before?: unknown; after?: unknown } = {},
): AuditEntry {
  return {
    at: typeof context.at === 'string' ? context.at : context.at.toISOString(),
    actor: context.actor,
    action,
    targetType: target.type,
    targetId: target.id,
    vendorId: target.vendorId,
    reason: context.reason ?? null,
    before: change.before ?? null,
    after: change.after ?? null,
  };
}
