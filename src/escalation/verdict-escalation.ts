import { overflowView } from './overflow-case';
import type { CallerContext, CaseSurroundings, EscalationCase, RenderedCase, Step } from './types';

/**
 * What a verdict says about an overflow case: that the vendor's budget of new cases was spent and how many
 * verifications were counted here. The roots other callers sent are left to on-call (`GET /escalations/{id}`).
 */
export interface VerdictOverflow {
  verificationsSuppressed: number;
  newCasesPerVendor: number;
  windowSeconds: number;
}

/** The `escalation` member of an `unknown_root` verdict (and of `GET /escalations/{id}` as JSON). */
export interface VerdictEscalation {
  id: string;
  kind: EscalationCase['kind'];
  state: EscalationCase['state'];
  /** The top certificate the chain reached: its SHA-256 is the fingerprint to escalate. */
  topCertificate: { subject: string; sha256: string; spkiSha256: string };
  verificationsBlocked: number;
  firstSeen: string;
  lastSeen: string;
  checklist: Step[];
  /** Only on an `unknown-root-overflow` case. */
  overflow?: VerdictOverflow;
  /**
   * Only when on-call resolved this root as rejected before (this case, resolved): the verification was
   * refused with that decision instead of opening a case and paging again (`ESCALATION_REJECTED`).
   */
  rejection?: RememberedRejection;
  /** Another vendor's active root the chain reaches, and the vendor's feeds (when looked up). Plain text. */
  context?: CaseSurroundings;
  /** What the latest caller said about the package (file name, pipeline job URL). Plain text. */
  caller?: CallerContext;
}

/** An earlier on-call decision about the same root: who rejected it, when, why, and in which case. */
export interface RememberedRejection {
  caseId: string;
  actor: string;
  /** ISO-8601. */
  at: string;
  /** On-call's note, plain text (empty when none was given). */
  note: string;
}

/** The rejection a resolved case records, or undefined when it was not resolved as rejected. */
export function rememberedRejection(c: EscalationCase): RememberedRejection | undefined {
  const r = c.resolution;
  if (c.state !== 'resolved' || r?.outcome !== 'rejected') return undefined;
  return { caseId: c.id, actor: r.actor, at: r.at, note: r.note };
}

export function verdictEscalation(c: EscalationCase, rendered: RenderedCase): VerdictEscalation {
  const overflow = c.overflow ? overflowView(c) : undefined;
  return {
    id: c.id,
    kind: c.kind,
    state: c.state,
    topCertificate: { subject: c.top.subject, sha256: c.top.sha256, spkiSha256: c.top.spkiSha256 },
    verificationsBlocked: c.verificationsBlocked,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    checklist: rendered.checklist,
    ...(rendered.context ? { context: rendered.context } : {}),
    ...(c.caller ? { caller: c.caller } : {}),
    ...(overflow
      ? {
          overflow: {
            verificationsSuppressed: overflow.verificationsSuppressed,
            newCasesPerVendor: overflow.newCasesPerVendor,
            windowSeconds: overflow.windowSeconds,
          },
        }
      : {}),
  };
}
