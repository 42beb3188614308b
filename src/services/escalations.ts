import { toHex } from '../encoding';
import { TrustgateError } from '../errors';
import {
  type ApprovedRoot,
  applyStep,
  type BlockedVerification,
  type CaseKind,
  type CaseState,
  caseRoot,
  casesSettledByRoot,
  decideOpening,
  deliverWebhook,
  type EscalationCase,
  type EscalationEvidence,
  type EscalationLimits,
  type EscalationRepository,
  escalationLimits,
  factsFromCase,
  openOrJoin,
  openOrJoinOverflow,
  overflowKindOf,
  type Playbooks,
  type RenderedCase,
  renderCase,
  resolve,
  type StoredCase,
  type VerdictEscalation,
  verdictEscalation,
  type WebhookEventType,
  webhookEvent,
} from '../escalation';
import { type AuditEntry, auditEntry, type Vendor } from '../trust';
import type { VerifyOutcome } from '../verify';
import type { Escalator } from './verification';

export interface EscalationDeps {
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

const MAX_CONCURRENT_RETRIES = 3;
/** Tries of a verification's escalation: optimistic joins first, then atomic counts (see `joinCase`). */
const MAX_ESCALATION_ATTEMPTS = 5;
const OPTIMISTIC_JOINS = 2;

/** Which playbook a verdict calls for, or none: only an unknown root or a trust decision needs on-call. */
const INTEGRITY_FAILURES = new Set<string>([
  'DIGEST_MISMATCH',
  'MESSAGE_DIGEST_MISSING',
  'SIGNATURE_INVALID',
  'SIGNATURE_ENCODING_INVALID',
  'CONTENT_TYPE_MISMATCH',
  'SIGNER_CERT_NOT_FOUND',
]);

/**
 * Which playbook a verdict calls for, or none: an unknown root or a trust decision (a distrusted root, an
 * expired signer chain) needs on-call; a package whose signature does not hold is simply refused.
 */
export function caseKindFor(outcome: VerifyOutcome): CaseKind | null {
  if (outcome.verdict === 'trusted' || outcome.chain.length === 0) return null;
  if (
    outcome.reasons.some(
      (r) => INTEGRITY_FAILURES.has(r.code) || r.code.startsWith('JAR_') || r.code.startsWith('ZIP_'),
    )
  ) {
    return null;
  }
  if (outcome.verdict === 'unknown_root') return 'unknown-root';
  const codes = new Set<string>(outcome.reasons.map((r) => r.code));
  if (codes.has('ANCHOR_DISTRUSTED')) return 'distrusted-root';
  if (codes.has('CERT_EXPIRED') && outcome.anchorId !== null) return 'expired-signer-chain';
  return null;
}

export function createEscalationService(deps: EscalationDeps) {
  const limits = escalationLimits(deps.limits);
  const newId = (prefix: string) => `${prefix}_${toHex(deps.randomBytes(new Uint8Array(10)))}`;

  async function render(c: EscalationCase): Promise<RenderedCase> {
    const vendor = await deps.vendors.getVendor(c.vendorId);
    const evidence = (await deps.evidence?.forTop(c.vendorId, c.top)) ?? { advisories: [], candidates: [] };
    const facts = factsFromCase(c, {
      vendor: { id: c.vendorId, name: vendor?.name ?? c.vendorId, contacts: vendor?.contacts ?? [] },
      advisories: evidence.advisories,
      candidates: evidence.candidates,
      serviceBaseUrl: deps.serviceBaseUrl,
    });
    return renderCase(deps.playbooks[c.kind], facts);
  }

  function notify(type: WebhookEventType, c: EscalationCase) {
    const webhook = deps.webhook;
    if (!webhook) return;
    const event = webhookEvent(type, c, {
      eventId: newId('evt'),
      at: deps.now(),
      serviceBaseUrl: deps.serviceBaseUrl,
    });
    deps.background(
      deliverWebhook(
        { fetch: webhook.fetch, sleep: webhook.sleep, now: deps.now, random: Math.random },
        webhook.url,
        event,
        { maxAttempts: webhook.maxAttempts ?? 5, timeoutMs: webhook.timeoutMs ?? 5000 },
      ).then((delivery) => {
        if (delivery.status !== 'delivered') {
          console.warn(`escalation webhook ${type} for ${c.id} not delivered: ${JSON.stringify(delivery)}`);
        }
      }),
    );
  }

  async function audit(
    action: string,
    c: EscalationCase,
    actor: string,
    reason: string | null,
    before: unknown,
  ) {
    await deps.appendAudit(
      auditEntry(
        action,
        { type: 'escalation', id: c.id, vendorId: c.vendorId },
        { actor, at: deps.now(), reason },
        {
          before,
          after: {
            state: c.state,
            verificationsBlocked: c.verificationsBlocked,
            steps: c.steps,
            resolution: c.resolution,
          },
        },
      ),
    );
  }

  /**
   * Joins the open case `stored` with one more blocked verification: the whole case (latest chain, digest,
   * overflow tally) while the optimistic update wins, then only its counts in one atomic statement, so a
   * hot case under many concurrent requests still counts every one of them. Null: try again from the top.
   */
  async function joinCase(
    stored: StoredCase,
    join: (c: EscalationCase) => EscalationCase,
    attempt: number,
    at: Date,
  ): Promise<EscalationCase | null> {
    if (attempt < OPTIMISTIC_JOINS) {
      const next = join(stored.case);
      return (await deps.cases.update(next, stored.version)) ? next : null;
    }
    return (await deps.cases.countBlocked(stored.case.id, at.toISOString()))?.case ?? null;
  }

  /**
   * Whether a new case for `root` may open: a slot of the vendor's opening budget for `kind` claimed at the
   * service's own time (or one the root already holds). A lost compare-and-set means another request took
   * that slot: read again, as the next round may find a free one or this root's claim. Each round at least
   * one request wins, so `newCasesPerVendor + 1` rounds are enough; false when the budget is spent.
   */
  async function claimOpening(vendorId: string, kind: CaseKind, root: string, caseId: string) {
    for (let round = 0; round <= limits.newCasesPerVendor; round++) {
      const now = deps.now();
      const decision = decideOpening(await deps.cases.openingSlots(vendorId, kind), limits, now, root);
      if (!decision.open) return false;
      if (decision.claim === null) return true;
      const claimed = await deps.cases.claimOpeningSlot({
        vendorId,
        kind,
        ...decision.claim,
        claimedAt: now.toISOString(),
        root,
        caseId,
      });
      if (claimed) return true;
    }
    return false;
  }

  async function opened(c: EscalationCase, reason: string) {
    await audit('escalation.open', c, 'verify', reason, null);
    notify('escalation.opened', c);
    return verdictEscalation(c, await render(c));
  }

  /** Counts a verification past the vendor's budget on its overflow case, opening that case once. */
  async function overflow(event: BlockedVerification, overflowKind: CaseKind, reason: string) {
    const overflowEvent: BlockedVerification = {
      ...event,
      kind: overflowKind,
      newCaseId: newId('esc'),
      stepCount: deps.playbooks[overflowKind].steps.length,
    };
    for (let attempt = 0; attempt < MAX_ESCALATION_ATTEMPTS; attempt++) {
      const existing = await deps.cases.findOpen(
        event.vendorId,
        caseRoot(overflowKind, event.top.spkiSha256),
        overflowKind,
      );
      if (existing) {
        const joined = await joinCase(
          existing,
          (c) => openOrJoinOverflow(c, overflowEvent, limits).case,
          attempt,
          event.at,
        );
        if (joined) return verdictEscalation(joined, await render(joined));
        continue;
      }
      const { case: next } = openOrJoinOverflow(undefined, overflowEvent, limits);
      if (await deps.cases.insert(next)) {
        return opened(
          next,
          `more than ${limits.newCasesPerVendor} new unknown roots for vendor ${event.vendorId} within ${limits.windowSeconds} s; ${reason}`,
        );
      }
    }
    throw new Error(`overflow case for ${event.vendorId} kept changing under concurrent updates`);
  }

  /**
   * Opens the case for this vendor and root, or joins the open one, retrying lost races. A new case of a
   * budgeted kind needs a slot of the vendor's opening budget; past it, the verification is counted on the
   * vendor's overflow case. Joins write no audit row and send no webhook: only openings and resolutions do.
   */
  const escalate: Escalator = async ({ vendor, outcome, artifactDigest, at }) => {
    const kind = caseKindFor(outcome);
    const top = outcome.top ?? outcome.chain[outcome.chain.length - 1];
    if (!kind || !top) return null;
    const event: BlockedVerification = {
      newCaseId: newId('esc'),
      kind,
      vendorId: vendor.id,
      top: { subject: top.subject, sha256: top.sha256, spkiSha256: top.spkiSha256, issuer: top.issuer },
      chain: outcome.chain,
      artifactDigest,
      at,
      stepCount: deps.playbooks[kind].steps.length,
    };
    const reason = `${outcome.verdict}: ${outcome.reasons[0]?.message ?? ''}`;
    const overflowKind = overflowKindOf(kind);
    const root = caseRoot(kind, top.spkiSha256);
    for (let attempt = 0; attempt < MAX_ESCALATION_ATTEMPTS; attempt++) {
      const existing = await deps.cases.findOpen(vendor.id, root, kind);
      if (existing) {
        const joined = await joinCase(existing, (c) => openOrJoin(c, event).case, attempt, at);
        if (joined) return verdictEscalation(joined, await render(joined));
        continue;
      }
      if (overflowKind && !(await claimOpening(vendor.id, kind, root, event.newCaseId))) {
        return overflow(event, overflowKind, reason);
      }
      const { case: next } = openOrJoin(undefined, event);
      // Lost to a concurrent opening of the same root (which holds the one slot): the next attempt joins it.
      if (await deps.cases.insert(next)) return opened(next, reason);
    }
    throw new Error(
      `escalation case for ${vendor.id}/${top.spkiSha256} kept changing under concurrent updates`,
    );
  };

  async function load(id: string): Promise<StoredCase> {
    const stored = await deps.cases.get(id);
    if (!stored) throw new TrustgateError('NOT_FOUND', `no escalation case ${id}`);
    return stored;
  }

  async function change(
    id: string,
    apply: (c: EscalationCase) => ReturnType<typeof applyStep>,
    action: string,
    actor: string,
    reason: string | null,
  ): Promise<EscalationCase> {
    for (let attempt = 0; attempt < MAX_CONCURRENT_RETRIES; attempt++) {
      const stored = await load(id);
      const result = apply(stored.case);
      if (!result.ok) {
        const code = result.error.code === 'CASE_NOT_OPEN' ? 'INVALID_STATE' : 'INVALID_FIELD';
        throw new TrustgateError(code, result.error.message);
      }
      if (await deps.cases.update(result.case, stored.version)) {
        await audit(action, result.case, actor, reason, {
          state: stored.case.state,
          steps: stored.case.steps,
        });
        return result.case;
      }
    }
    throw new TrustgateError('CONFLICT', `escalation case ${id} changed concurrently; try again`);
  }

  async function resolveCase(
    id: string,
    input: { outcome: 'approved' | 'rejected'; note?: string; actor: string },
  ) {
    const resolved = await change(
      id,
      (c) =>
        resolve(c, { outcome: input.outcome, note: input.note ?? '', actor: input.actor, at: deps.now() }),
      `escalation.resolve.${input.outcome}`,
      input.actor,
      input.note ?? null,
    );
    notify('escalation.resolved', resolved);
    return resolved;
  }

  return {
    escalate,
    render,
    async get(id: string): Promise<{ case: EscalationCase; rendered: RenderedCase }> {
      const stored = await load(id);
      return { case: stored.case, rendered: await render(stored.case) };
    },
    list: (filter: { state?: CaseState; vendorId?: string; limit?: number }) => deps.cases.list(filter),
    async markStep(id: string, n: number, input: { done: boolean; note?: string; actor: string }) {
      return change(
        id,
        (c) =>
          applyStep(c, n, { done: input.done, note: input.note ?? '', actor: input.actor, at: deps.now() }),
        input.done ? 'escalation.step.done' : 'escalation.step.undone',
        input.actor,
        input.note ?? null,
      );
    },
    resolve: resolveCase,
    /** An approved root answers the open cases whose chain it completes: resolve them as approved. */
    async settleByRoot(root: ApprovedRoot, actor: string) {
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
    },
  };
}

export type EscalationService = ReturnType<typeof createEscalationService>;

export type { VerdictEscalation };
