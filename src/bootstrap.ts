/**
 * The one way the application is assembled, on Node, on Workers and in tests: from the settings
 * (src/config.ts) and what the platform provides (its ports), the repositories, the use cases and the
 * Hono app. Platforms differ only in the ports they pass; nothing here can be replaced from outside.
 */
import { type FetchLike, publicHttpOnly, type UrlGuard } from './advisories';
import { type AppLimits, createApp, DEFAULT_APP_LIMITS } from './app';
import type { AppConfig } from './config';
import {
  createAuditReader,
  createEscalationRepository,
  createRevocationMemory,
  createSessionRepository,
  createTokenRepository,
  createTrustRepository,
  type Database,
} from './db';
import { createAdvisoryRepository } from './db/advisory-repository';
import { createCandidateRepository } from './db/candidate-repository';
import { createCrlRepository } from './db/crl-repository';
import { createFeedRepository } from './db/feed-repository';
import { probeDatabase } from './db/readiness';
import {
  CASE_KINDS,
  createWebhookSigner,
  type EscalationLimits,
  type Playbooks,
  parseWebhookSecrets,
  timerSleep,
  type WebhookSigner,
} from './escalation';
import type { HasherFactory } from './http/hasher';
import type { ReadinessProbe } from './http/readiness';
import { createRequestBudget } from './http/request-budget';
import type { LogPort } from './http/request-log';
import { activeRootsEverywhere, createEscalationService } from './services/escalations';
import { activeRootsOf, createAdvisoryEvidence, createFeedService } from './services/feeds';
import { createCrlFetcher, createOcspFetcher, storedCrlsOf } from './services/revocation';
import { cacheTrustReads } from './services/store-version-cache';
import { createTrustAdmin } from './services/trust-admin';
import type { VerificationDeps } from './services/verification';
import { createPathCache } from './verify/path-cache';

/** What the platform provides; everything else is wired the same everywhere. */
export interface PlatformPorts {
  db: Database;
  subtle: SubtleCrypto;
  now: () => Date;
  /** The escalation playbooks, read and validated by the platform (files on Node, the bundle on Workers). */
  playbooks: Playbooks;
  /** The platform's fetch, for escalation webhooks (default: the global fetch, looked up at call time). */
  fetch?: typeof fetch;
  /** The fetch feeds, CRLs and OCSP go through (Node: one that also refuses hosts resolving to private addresses). */
  feedFetch?: FetchLike;
  /** Which feed, CRL and OCSP URLs may be fetched (each redirect hop too); default: public http(s) hosts only. */
  feedUrlGuard?: UrlGuard;
  /** Uniform in [0, 1): jitter of the feed schedule; default Math.random. */
  random?: () => number;
  /** Runs work after the response; Node lets the promise run, Workers hands it to waitUntil. */
  background?: (work: Promise<unknown>) => void;
  /** Incremental hashing for streamed artifacts (Node: node:crypto; Workers: crypto.DigestStream). */
  createHasher?: HasherFactory;
  /** Timestamp-authority roots per vendor (trust-store/_tsa and <vendor>/tsa). */
  tsaAnchors?: VerificationDeps['tsaAnchors'];
  /** The structured log, one object per line (Node and Workers: JSON on stdout); default: none. */
  log?: LogPort;
  /**
   * Whether the trust store seed was imported (Node: trust-store/; Workers: the bundled seed): GET /health
   * answers 503 and GET /ready names `seed` until it is; default always true.
   */
  ready?: () => boolean;
}

/** Named options tests (and tools) may set; none of them replaces wiring. */
export interface BootstrapOptions {
  /** Size and budget limits over DEFAULT_APP_LIMITS and the configured request budget. */
  limits?: Partial<AppLimits>;
  /** Escalation flood limits beyond the configured ones (e.g. overflowRootsListed). */
  escalationLimits?: Partial<EscalationLimits>;
}

export interface PollOptions {
  maxFeeds: number;
  concurrency: number;
}

const runDetached = (work: Promise<unknown>) => {
  work.catch((error) => console.error('background work failed', error));
};

const MiB = 1024 * 1024;

/** The signer of ESCALATION_WEBHOOK_SECRET (validated by the config reader), or none when it is unset. */
function webhookSigner(secret: string | undefined, subtle: SubtleCrypto): WebhookSigner | undefined {
  if (secret === undefined) return undefined;
  const parsed = parseWebhookSecrets(secret);
  if (!parsed.ok) throw new Error(`ESCALATION_WEBHOOK_SECRET ${parsed.message}`);
  return createWebhookSigner(subtle, parsed.keys);
}

/** GET /ready's checks: the database probe (bounded in time), the seed flag and every playbook loaded. */
function readinessProbe(ports: PlatformPorts): ReadinessProbe {
  return async () => {
    const probe = await probeDatabase(ports.db);
    const seed = (ports.ready?.() ?? true) ? 'ok' : 'failing';
    const playbooks = CASE_KINDS.every((kind) => ports.playbooks[kind] !== undefined) ? 'ok' : 'failing';
    return {
      checks: { database: probe.database, migrations: probe.migrations, seed, playbooks },
      reasons: [
        ...probe.reasons,
        ...(seed === 'ok' ? [] : ['seed: the trust store was not imported yet']),
        ...(playbooks === 'ok' ? [] : ['playbooks: a case kind has no playbook']),
      ],
    };
  };
}

export function bootstrap(config: AppConfig, ports: PlatformPorts, options: BootstrapOptions = {}) {
  const { db, subtle, now } = ports;
  const platformFetch = (input: RequestInfo | URL, init?: RequestInit) => (ports.fetch ?? fetch)(input, init);
  const feedFetch: FetchLike = ports.feedFetch ?? ((input, init) => platformFetch(input, init));
  const random = ports.random ?? Math.random;
  const signWebhook = webhookSigner(config.escalationWebhookSecret, subtle);
  const guard = ports.feedUrlGuard ? { isAllowedUrl: ports.feedUrlGuard } : {};

  const trust = createTrustRepository(db);
  const feedStores = {
    feeds: createFeedRepository(db),
    advisories: createAdvisoryRepository(db),
    candidates: createCandidateRepository(db),
  };
  const feeds = createFeedService({ ...feedStores, trust, fetch: feedFetch, subtle, now, random, ...guard });
  const escalationLimits: Partial<EscalationLimits> = {
    ...(config.escalationNewCasesPerVendor !== undefined
      ? { newCasesPerVendor: config.escalationNewCasesPerVendor }
      : {}),
    ...(config.escalationWindowSeconds !== undefined
      ? { windowSeconds: config.escalationWindowSeconds }
      : {}),
    ...options.escalationLimits,
  };
  const escalations = createEscalationService({
    cases: createEscalationRepository(db),
    playbooks: ports.playbooks,
    vendors: trust,
    appendAudit: (entry) => trust.appendAudit(entry),
    // Escalations cite the advisories and candidate roots that match the unknown root.
    evidence: createAdvisoryEvidence({
      candidates: feedStores.candidates,
      advisories: feedStores.advisories,
      activeRoots: activeRootsOf(trust),
      subtle,
      now,
    }),
    // A case says when its chain reaches another vendor's root, and when the vendor has no feed on file.
    activeRoots: activeRootsEverywhere(trust),
    feedCount: async (vendorId) => (await feedStores.feeds.list({ vendorId })).length,
    now,
    randomBytes: (bytes) => crypto.getRandomValues(bytes),
    serviceBaseUrl: config.publicUrl,
    ...(config.escalationWebhookUrl
      ? {
          webhook: {
            url: config.escalationWebhookUrl,
            fetch: (url: string, init: RequestInit) => platformFetch(url, init),
            sleep: timerSleep,
            ...(signWebhook ? { sign: signWebhook } : {}),
          },
        }
      : {}),
    background: ports.background ?? runDetached,
    ...(Object.keys(escalationLimits).length > 0 ? { limits: escalationLimits } : {}),
  });

  const limits: Partial<AppLimits> = {
    ...(config.maxBufferedMib !== undefined ? { maxBufferedBytes: config.maxBufferedMib * MiB } : {}),
    ...(config.maxConcurrentVerifications !== undefined
      ? { maxConcurrentVerifications: config.maxConcurrentVerifications }
      : {}),
    ...(config.maxQueuedVerifications !== undefined
      ? { maxQueuedVerifications: config.maxQueuedVerifications }
      : {}),
    ...options.limits,
  };
  // One budget, which the platform may watch too (Node's stats log).
  const budget = createRequestBudget({ ...DEFAULT_APP_LIMITS, ...limits });
  // CRL distribution points and the signer's OCSP responder: fetched under the feeds' address rules, with
  // size and time limits, cached until nextUpdate; only where the platform turned them on (Node).
  const revocationFetch = { fetch: feedFetch, now, isAllowedUrl: ports.feedUrlGuard ?? publicHttpOnly };

  const tokens = createTokenRepository(db);
  const crls = createCrlRepository(db);
  const audit = createAuditReader(db);
  const trustAdmin = createTrustAdmin({
    trust,
    tokens,
    audit,
    crls,
    // Read only: a candidate root is proposed from its stored certificate (POST /candidates/{id}/propose).
    candidates: feedStores.candidates,
    subtle,
    now,
    random: (bytes) => crypto.getRandomValues(bytes),
    // Approving a root answers the open cases whose chains it completes.
    cases: escalations,
  });

  // Everything a verification consults: the trust store (its reads cached per store version), validated
  // paths kept between requests, the TSA roots, and every revocation source.
  const verification = {
    trust: cacheTrustReads(trust),
    subtle,
    now,
    escalate: escalations.escalate,
    validatePath: createPathCache().validator,
    // Every active CRL of the validated path's issuers.
    storedCrls: storedCrlsOf(crls),
    revocationMemory: createRevocationMemory(db, now),
    ...(ports.tsaAnchors ? { tsaAnchors: ports.tsaAnchors } : {}),
    ...(config.crlFetch ? { fetchCrls: createCrlFetcher(revocationFetch) } : {}),
    ...(config.ocspFetch ? { fetchOcsp: createOcspFetcher(revocationFetch) } : {}),
  };

  const app = createApp({
    verification,
    subtle,
    now,
    escalations,
    feeds,
    trustAdmin,
    tokens,
    sessions: createSessionRepository(db),
    ...(config.adminToken !== undefined ? { adminToken: config.adminToken } : {}),
    requireVerifyToken: config.requireVerifyToken,
    limits,
    budget,
    ...(ports.createHasher ? { createHasher: ports.createHasher } : {}),
    ...(ports.ready ? { ready: ports.ready } : {}),
    readiness: readinessProbe(ports),
    ...(ports.log && config.logRequests !== false ? { requestLog: ports.log } : {}),
  });

  return {
    app,
    services: { trust, trustAdmin, escalations, feeds },
    budget,
    /** The feed cron / timer step: the due feeds, most overdue first. */
    pollDueFeeds: (poll: PollOptions) => feeds.pollDue(poll),
  };
}

export type Bootstrapped = ReturnType<typeof bootstrap>;
