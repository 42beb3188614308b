import { overflowView } from './overflow-case';
import type { CaseKind, CaseState, EscalationCase, Resolution } from './types';

/** The JSON body posted to `ESCALATION_WEBHOOK_URL` when a case opens or resolves. */

export type WebhookEventType = 'escalation.opened' | 'escalation.resolved';

export interface CaseSummary {
  id: string;
  kind: CaseKind;
  state: CaseState;
  vendorId: string;
  top: { subject: string; sha256: string; spkiSha256: string };
  verificationsBlocked: number;
  firstSeen: string;
  lastSeen: string;
  resolution: Resolution | null;
  /** `GET` this (role oncall/admin) for the checklist; `Accept: text/markdown` for the document. */
  url: string;
  /** Only for an `unknown-root-overflow` case: the budget that was exceeded and what was counted. */
  overflow?: {
    verificationsSuppressed: number;
    newCasesPerVendor: number;
    windowSeconds: number;
    rootsListed: number;
    unlistedVerifications: number;
  };
}

export interface WebhookEvent {
  /** Unique per event, for the receiver to drop duplicates (deliveries are retried). */
  id: string;
  type: WebhookEventType;
  /** ISO-8601. */
  occurredAt: string;
  case: CaseSummary;
}

export function caseSummary(c: EscalationCase, serviceBaseUrl: string): CaseSummary {
  return {
    id: c.id,
    kind: c.kind,
    state: c.state,
    vendorId: c.vendorId,
    top: { subject: c.top.subject, sha256: c.top.sha256, spkiSha256: c.top.spkiSha256 },
    verificationsBlocked: c.verificationsBlocked,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    resolution: c.resolution,
    url: `${serviceBaseUrl.replace(/\/+$/, '')}/escalations/${encodeURIComponent(c.id)}`,
    ...(c.overflow ? { overflow: overflowSummary(c) } : {}),
  };
}

function overflowSummary(c: EscalationCase): NonNullable<CaseSummary['overflow']> {
  const view = overflowView(c);
  return {
    verificationsSuppressed: view.verificationsSuppressed,
    newCasesPerVendor: view.newCasesPerVendor,
    windowSeconds: view.windowSeconds,
    rootsListed: view.roots.length,
    unlistedVerifications: view.unlistedVerifications,
  };
}

export function webhookEvent(
  type: WebhookEventType,
  c: EscalationCase,
  meta: { eventId: string; at: Date; serviceBaseUrl: string },
): WebhookEvent {
  return {
    id: meta.eventId,
    type,
    occurredAt: meta.at.toISOString(),
    case: caseSummary(c, meta.serviceBaseUrl),
  };
}
