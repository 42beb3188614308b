import { caseKey } from './case-key';
import type {
  CallerContext,
  CaseKind,
  ChainCertificate,
  EscalationCase,
  ResolutionOutcome,
  StepProgress,
  TopCertificate,
} from './types';

/**
 * The pure state machine of a case: open → resolved. Opening or joining happens on every `/verify` that
 * meets the root; steps can be ticked while it is open; it is resolved once.
 */

export const MAX_ARTIFACT_DIGESTS = 50;
export const MAX_NOTE_LENGTH = 2000;
export const MAX_ACTOR_LENGTH = 200;

export interface BlockedVerification {
  /** Id for the case if a new one is opened (ids are arguments, never generated here). */
  newCaseId: string;
  kind?: CaseKind;
  vendorId: string;
  top: TopCertificate;
  /** The chain `/verify` saw, leaf first. */
  chain: readonly ChainCertificate[];
  /** `sha256:<hex>` of the artifact, or null when the verification had none (anything else is not kept). */
  artifactDigest: string | null;
  at: Date;
  /** Number of steps of the kind's playbook (`playbooks[kind].steps.length`), bounds for `applyStep`. */
  stepCount: number;
  /** What the caller said about the package, if anything (validated by the request readers). */
  caller?: CallerContext;
}

export type OpenOrJoinResult = { change: 'opened' | 'joined'; case: EscalationCase };

const iso = (at: Date) => at.toISOString();
const laterOf = (a: string, b: string) => (a > b ? a : b);
const earlierOf = (a: string, b: string) => (a < b ? a : b);

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function rememberDigest(digests: readonly string[], raw: string | null): string[] {
  const digest = raw?.trim().toLowerCase();
  if (digest === undefined || !DIGEST.test(digest)) return [...digests];
  const kept = digests.filter((d) => d !== digest);
  kept.push(digest);
  return kept.slice(-MAX_ARTIFACT_DIGESTS);
}

/**
 * The case after one more blocked verification: `existing` (the case stored under the event's key, if
 * any) joined while it is open, or a new case opened with `newCaseId` when there is none or it was
 * resolved. Passing a case stored under another key is a programming error and throws.
 */
export function openOrJoin(
  existing: EscalationCase | undefined,
  event: BlockedVerification,
): OpenOrJoinResult {
  const kind = event.kind ?? 'unknown-root';
  const key = caseKey(event.vendorId, event.top.spkiSha256, kind);
  const at = iso(event.at);
  const top: TopCertificate = {
    subject: event.top.subject,
    sha256: event.top.sha256,
    spkiSha256: event.top.spkiSha256,
    ...(event.top.issuer !== undefined ? { issuer: event.top.issuer } : {}),
    ...(event.top.rootRefusal !== undefined ? { rootRefusal: { ...event.top.rootRefusal } } : {}),
  };
  if (existing && existing.key !== key) {
    throw new Error(`openOrJoin: case ${existing.id} has key ${existing.key}, the event has ${key}`);
  }
  if (existing && existing.state === 'open') {
    return {
      change: 'joined',
      case: {
        ...existing,
        top,
        chain: [...event.chain],
        verificationsBlocked: existing.verificationsBlocked + 1,
        firstSeen: earlierOf(existing.firstSeen, at),
        lastSeen: laterOf(existing.lastSeen, at),
        artifactDigests: rememberDigest(existing.artifactDigests, event.artifactDigest),
        stepCount: Math.max(0, Math.trunc(event.stepCount)),
        updatedAt: laterOf(existing.updatedAt, at),
        ...(event.caller ? { caller: { ...event.caller } } : {}),
      },
    };
  }
  return {
    change: 'opened',
    case: {
      id: event.newCaseId,
      key,
      kind,
      state: 'open',
      vendorId: event.vendorId,
      top,
      chain: [...event.chain],
      verificationsBlocked: 1,
      firstSeen: at,
      lastSeen: at,
      artifactDigests: rememberDigest([], event.artifactDigest),
      stepCount: Math.max(0, Math.trunc(event.stepCount)),
      steps: [],
      resolution: null,
      openedAt: at,
      updatedAt: at,
      ...(event.caller ? { caller: { ...event.caller } } : {}),
    },
  };
}

export type CaseChangeError =
  | { code: 'CASE_NOT_OPEN'; message: string }
  | { code: 'STEP_OUT_OF_RANGE'; message: string }
  | { code: 'INVALID_INPUT'; message: string };

export type CaseChangeResult = { ok: true; case: EscalationCase } | { ok: false; error: CaseChangeError };

export interface StepUpdate {
  done: boolean;
  note?: string;
  actor: string;
  at: Date;
}

function checkActorAndNote(actor: string, note: string): CaseChangeError | undefined {
  if (actor.trim() === '' || actor.length > MAX_ACTOR_LENGTH) {
    return { code: 'INVALID_INPUT', message: `actor must be 1 to ${MAX_ACTOR_LENGTH} characters` };
  }
  if (note.length > MAX_NOTE_LENGTH) {
    return { code: 'INVALID_INPUT', message: `note must be at most ${MAX_NOTE_LENGTH} characters` };
  }
  return undefined;
}

/** Tick (or un-tick) step `n` (1-based) of an open case. */
export function applyStep(c: EscalationCase, n: number, update: StepUpdate): CaseChangeResult {
  if (c.state !== 'open') {
    return { ok: false, error: { code: 'CASE_NOT_OPEN', message: `case ${c.id} is ${c.state}` } };
  }
  if (!Number.isInteger(n) || n < 1 || n > c.stepCount) {
    return {
      ok: false,
      error: {
        code: 'STEP_OUT_OF_RANGE',
        message: `step ${n} does not exist (steps are 1 to ${c.stepCount})`,
      },
    };
  }
  const note = update.note ?? '';
  const invalid = checkActorAndNote(update.actor, note);
  if (invalid) return { ok: false, error: invalid };
  const at = iso(update.at);
  const progress: StepProgress = { n, done: update.done, note, actor: update.actor, at };
  const steps = [...c.steps.filter((s) => s.n !== n), progress].sort((a, b) => a.n - b.n);
  return { ok: true, case: { ...c, steps, updatedAt: laterOf(c.updatedAt, at) } };
}

export interface ResolveInput {
  outcome: ResolutionOutcome;
  note?: string;
  actor: string;
  at: Date;
}

/** Close an open case, once. */
export function resolve(c: EscalationCase, input: ResolveInput): CaseChangeResult {
  if (c.state !== 'open') {
    return { ok: false, error: { code: 'CASE_NOT_OPEN', message: `case ${c.id} is already ${c.state}` } };
  }
  if (input.outcome !== 'approved' && input.outcome !== 'rejected') {
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'outcome must be "approved" or "rejected"' },
    };
  }
  const note = input.note ?? '';
  const invalid = checkActorAndNote(input.actor, note);
  if (invalid) return { ok: false, error: invalid };
  const at = iso(input.at);
  return {
    ok: true,
    case: {
      ...c,
      state: 'resolved',
      resolution: { outcome: input.outcome, note, actor: input.actor, at },
      updatedAt: laterOf(c.updatedAt, at),
    },
  };
}
