import { TrustgateError } from '../errors';
import {
  applyStep,
  type CaseKind,
  type CaseState,
  casesSettledByRoot,
  deliverWebhook,
  type EscalationCase,
  factsFromCase,
  openOrJoin,
  type Playbooks,
  type RenderedCase,
  renderCase,
  resolve,
  type VerdictEscalation,
  verdictEscalation,
  type WebhookEventType,
  webhookEvent,
} from '../escalation';
import type { AuditEntry, Vendor } from '../trust';
import { toHex, type VerifyOutcome } from '../verify';
import type { EscalationEvidence, EscalationRepository, StoredCase } from './escalation-ports';
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
}

const MAX_CONCURRENT_RETRIES = 3;

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
    await deps.appendAudit({
      at: deps.now().toISOString(),
      actor,
      action,
      targetType: 'escalation',
      targetId: c.id,
      vendorId: c.vendorId,
      reason,
      before,
      after: {
        state: c.state,
        verificationsBlocked: c.verificationsBlocked,
        steps: c.steps,
        resolution: c.resolution,
      },
    });
  }

  /** Opens the case for this vendor and root, or joins the open one, retrying lost races. */
  const escalate: Escalator = async ({ vendor, outcome, artifactDigest, at }) => {
    const kind = caseKindFor(outcome);
    const top = outcome.top ?? outcome.chain[outcome.chain.length - 1];
    if (!kind || !top) return null;
    const event = {
      newCaseId: newId('esc'),
      kind,
      vendorId: vendor.id,
      top: { subject: top.subject, sha256: top.sha256, spkiSha256: top.spkiSha256, issuer: top.issuer },
      chain: outcome.chain,
      artifactDigest,
      at,
      stepCount: deps.playbooks[kind].steps.length,
    };
    for (let attempt = 0; attempt < MAX_CONCURRENT_RETRIES; attempt++) {
      const existing = await deps.cases.findOpen(vendor.id, top.spkiSha256, kind);
      const { change, case: next } = openOrJoin(existing?.case, event);
      const stored = existing
        ? await deps.cases.update(next, existing.version)
        : await deps.cases.insert(next);
      if (!stored) continue;
      if (change === 'opened') {
        await audit(
          'escalation.open',
          next,
          'verify',
          `${outcome.verdict}: ${outcome.reasons[0]?.message ?? ''}`,
          null,
        );
        notify('escalation.opened', next);
      }
      return verdictEscalation(next, await render(next));
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
    async resolve(id: string, input: { outcome: 'approved' | 'rejected'; note?: string; actor: string }) {
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
    },
    /** An approved root answers the open cases whose chain it completes: resolve them as approved. */
    async settleByRoot(root: { vendorId: string; spkiSha256: string; subject: string }, actor: string) {
      const open = await deps.cases.list({ state: 'open', vendorId: root.vendorId, limit: 500 });
      const settled: EscalationCase[] = [];
      for (const c of casesSettledByRoot(open, root)) {
        try {
          settled.push(
            await this.resolve(c.id, {
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

export { createInterimEscalator } from './interim-escalator';
export type { VerdictEscalation };
