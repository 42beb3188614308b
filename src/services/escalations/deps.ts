import type {
  EscalationEvidence,
  EscalationLimits,
  EscalationRepository,
  Playbooks,
  WebhookSigner,
} from '../../escalation';
import type { AuditEntry, Vendor } from '../../trust';
import type { SurroundingsPorts } from './surroundings';

/**
 * What the escalation use cases run on; each part of the service takes the slice it needs. `activeRoots` and
 * `feedCount` (optional) give a rendered case its surroundings: another vendor's active root the chain
 * reaches, and whether the vendor has any advisory feed.
 */
export interface EscalationDeps extends SurroundingsPorts {
  cases: EscalationRepository;
  playbooks: Playbooks;
  vendors: { getVendor(id: string): Promise<Vendor | null> };
  appendAudit: (entry: AuditEntry) => Promise<void>;
  evidence?: EscalationEvidence;
  now: () => Date;
  /** Fills the buffer with random bytes (case and event ids). */
  randomBytes: (bytes: Uint8Array) => Uint8Array;
  /** Base URL of this service, from configuration (never from a request's Host header). */
  serviceBaseUrl: string;
  webhook?: {
    url: string;
    fetch: (url: string, init: RequestInit) => Promise<Response>;
    sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    /** Signs every attempt (Standard Webhooks, ESCALATION_WEBHOOK_SECRET); left out, unsigned. */
    sign?: WebhookSigner;
    maxAttempts?: number;
    timeoutMs?: number;
  };
  /** Runs work after the response (Workers: waitUntil); errors are the runner's to log. */
  background: (work: Promise<unknown>) => void;
  /**
   * How many new unknown-root cases a vendor may open per sliding window, and how many roots the overflow
   * case lists (defaults: `DEFAULT_ESCALATION_LIMITS`, 5 per hour, 20 listed). Checked at creation.
   */
  limits?: Partial<EscalationLimits>;
}

/** A fresh id such as `esc_…` or `evt_…` (10 random bytes, hex). */
export type NewId = (prefix: string) => string;
