import type { FetchLike, UrlGuard } from './advisories';
import { type AppDeps, createApp } from './app';
import {
  createAuditReader,
  createEscalationRepository,
  createRevocationMemory,
  createTokenRepository,
  createTrustRepository,
  type Database,
} from './db';
import { createCrlRepository } from './db/crl-repository';
import type { EscalationEvidence } from './escalation';
import { type EscalationLimits, type Playbooks, timerSleep } from './escalation';
import { createAdvisoryEvidence } from './services/advisory-evidence';
import { createEscalationService } from './services/escalations';
import { createFeedService } from './services/feed-polling';
import { createTrustAdmin } from './services/trust-admin';

/** What differs between platforms; everything else is wired the same on Node and Workers. */
export interface CompositionOptions {
  db: Database;
  subtle: SubtleCrypto;
  now: () => Date;
  playbooks: Playbooks;
  /** The service's own base URL for links and API calls in checklists (configuration, never a request header). */
  serviceBaseUrl: string;
  adminToken?: string | undefined;
  requireVerifyToken?: boolean;
  escalationWebhookUrl?: string | undefined;
  /** New unknown-root cases per vendor and window, overflow roots listed (defaults: 5 per hour, 20). */
  escalationLimits?: Partial<EscalationLimits>;
  fetch?: typeof fetch;
  /** Runs work after the response; Node lets the promise run, Workers hands it to waitUntil. */
  background?: (work: Promise<unknown>) => void;
  evidence?: EscalationEvidence;
  /** Which feed URLs may be fetched (each redirect hop too); default: public http(s) hosts only. */
  feedUrlGuard?: UrlGuard;
  /** The fetch the feed poller uses (Node: one that also refuses hosts resolving to private addresses). */
  feedFetch?: FetchLike;
  /** Uniform in [0, 1): jitter of the feed schedule; defaults to Math.random. */
  random?: () => number;
  /** Platform extras passed through to createApp (limits, TSA anchors, hashers, ...). */
  extra?: Partial<AppDeps>;
}

const runDetached = (work: Promise<unknown>) => {
  work.catch((error) => console.error('background work failed', error));
};

export function composeApp(options: CompositionOptions) {
  const trust = createTrustRepository(options.db);
  const feeds = createFeedService({
    db: options.db,
    trust,
    fetch: options.feedFetch ?? ((input, init) => (options.fetch ?? fetch)(input, init)),
    subtle: options.subtle,
    now: options.now,
    random: options.random ?? Math.random,
    ...(options.feedUrlGuard ? { isAllowedUrl: options.feedUrlGuard } : {}),
  });
  const escalations = createEscalationService({
    cases: createEscalationRepository(options.db),
    playbooks: options.playbooks,
    vendors: trust,
    appendAudit: (entry) => trust.appendAudit(entry),
    // Escalations cite the advisories and candidate roots that match the unknown root.
    evidence:
      options.evidence ??
      createAdvisoryEvidence(options.db, {
        refreshCorroboration: (rows) => feeds.refreshCorroboration(rows),
      }),
    now: options.now,
    randomBytes: (bytes) => crypto.getRandomValues(bytes),
    serviceBaseUrl: options.serviceBaseUrl,
    ...(options.escalationWebhookUrl
      ? {
          webhook: {
            url: options.escalationWebhookUrl,
            fetch: (url: string, init: RequestInit) => (options.fetch ?? fetch)(url, init),
            sleep: timerSleep,
          },
        }
      : {}),
    background: options.background ?? runDetached,
    ...(options.escalationLimits ? { limits: options.escalationLimits } : {}),
  });
  const tokens = createTokenRepository(options.db);
  const crls = createCrlRepository(options.db);
  const audit = createAuditReader(options.db);
  const trustAdmin = createTrustAdmin({
    trust,
    tokens,
    audit,
    crls,
    subtle: options.subtle,
    now: options.now,
    random: (bytes) => crypto.getRandomValues(bytes),
    // Approving a root answers the open cases whose chains it completes.
    cases: escalations,
  });
  const app = createApp({
    trust,
    subtle: options.subtle,
    now: options.now,
    escalate: escalations.escalate,
    escalations,
    feeds,
    tokens,
    crlRepository: crls,
    revocationMemory: createRevocationMemory(options.db, options.now),
    audit,
    trustAdmin,
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    requireVerifyToken: options.requireVerifyToken ?? false,
    ...options.extra,
  });
  return { app, trust, escalations, feeds };
}
