import { type ExitCode, exitOfVerdict } from './exit-codes';
import { type Failure, isFailure, serverFailure } from './failure';

type VerdictName = 'trusted' | 'rejected' | 'unknown_root';

/**
 * What vouched for a trusted verdict: a vendor's root (a CA the signer's path ends at) or a pinned signer
 * certificate (the signer itself, docs/pinned-signers.md). Servers before pinned signers send no `kind`:
 * a root. Anything but `signer` reads as a root, as the server's own store does.
 */
export type AnchorKind = 'root' | 'signer';

/** One signature of a file that carries several (Authenticode: entries and nested ones), as the server sends it. */
export interface SignatureVerdict {
  /** "1", "2" by table entry, "1.1" nested in 1, "given" for the one sent as `signature`. */
  id: string;
  verdict: VerdictName;
  reasons: Array<{ code: string; message: string }>;
  anchor?: { sha256: string; subject: string; kind?: string } | null;
  [field: string]: unknown;
}

/** The parts of a verdict the command reads; the rest is passed through untouched in --json. */
export interface VerdictBody {
  verdict: VerdictName;
  reasons: Array<{ code: string; message: string }>;
  signer: { subject: string; sha256: string } | null;
  anchor: { vendor: string; sha256: string; subject: string; kind?: string } | null;
  escalation: { id: string; state: string; kind: string } | null;
  warnings?: Array<{ code: string; message: string }>;
  chain?: Array<{ subject: string; sha256: string }>;
  /** A PE file's signatures, each with its own verdict (passed through to --json as the server sent it). */
  signatures?: SignatureVerdict[];
  [field: string]: unknown;
}

/** One package's result: the verdict, or why there is none. */
export interface PackageOutcome {
  package: string;
  signature: string | null;
  exit: ExitCode;
  verdict?: VerdictBody;
  failure?: Failure;
}

const VERDICTS = new Set<string>(['trusted', 'rejected', 'unknown_root']);

/** A JSON object (not an array, not null): what every answer of the API is. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCodeList = (value: unknown) =>
  Array.isArray(value) &&
  value.every((r) => isRecord(r) && typeof r.code === 'string' && typeof r.message === 'string');

/** The anchor's kind for display: `signer` only when the server says so. */
export const anchorKind = (anchor: { kind?: unknown } | null | undefined): AnchorKind =>
  anchor?.kind === 'signer' ? 'signer' : 'root';

const isSignatureVerdict = (value: unknown) =>
  isRecord(value) &&
  typeof value.id === 'string' &&
  typeof value.verdict === 'string' &&
  VERDICTS.has(value.verdict) &&
  isCodeList(value.reasons) &&
  (value.anchor === undefined ||
    value.anchor === null ||
    (isRecord(value.anchor) &&
      typeof value.anchor.sha256 === 'string' &&
      typeof value.anchor.subject === 'string'));

/**
 * A verdict only when it has the shape trustgate gives one, about the vendor that was asked for.
 * Anything else (a proxy's 200 page, a truncated body, a `trusted` with a malformed field, a cached
 * verdict about another vendor) is the server failing, never a verdict: a pipeline must not pass on
 * something that merely says "trusted".
 */
export function verdictOf(body: unknown, vendor: string): VerdictBody | Failure {
  const unexpected = (what: string) =>
    serverFailure('SERVER_ANSWER_UNEXPECTED', `the server's answer is not a trustgate verdict: ${what}`);
  if (!isRecord(body)) return unexpected('not a JSON object');
  if (typeof body.verdict !== 'string' || !VERDICTS.has(body.verdict)) return unexpected('no verdict');
  if (!isCodeList(body.reasons)) return unexpected('no reasons list');
  if (body.warnings !== undefined && !isCodeList(body.warnings)) return unexpected('malformed warnings');
  const signer = body.signer;
  if (
    signer !== null &&
    !(isRecord(signer) && typeof signer.subject === 'string' && typeof signer.sha256 === 'string')
  )
    return unexpected('malformed signer');
  const anchor = body.anchor;
  if (
    anchor !== null &&
    !(
      isRecord(anchor) &&
      typeof anchor.vendor === 'string' &&
      typeof anchor.sha256 === 'string' &&
      typeof anchor.subject === 'string'
    )
  )
    return unexpected('malformed anchor');
  if (
    body.signatures !== undefined &&
    !(Array.isArray(body.signatures) && body.signatures.every(isSignatureVerdict))
  )
    return unexpected('malformed signatures');
  // The server names the vendor it verified against (and its anchor's): another vendor's roots vouch
  // for nothing here.
  if (body.vendor !== vendor.trim() || (anchor !== null && anchor.vendor !== vendor.trim()))
    return unexpected(`a verdict about another vendor than '${vendor}'`);
  const escalation = body.escalation;
  if (
    escalation !== null &&
    escalation !== undefined &&
    !(isRecord(escalation) && typeof escalation.id === 'string')
  )
    return unexpected('malformed escalation');
  // trusted means a path to an anchor of the vendor: without one it is not a verdict to act on.
  if (
    body.verdict === 'trusted' &&
    (anchor === null || signer === null || (body.reasons as unknown[]).length > 0)
  )
    return unexpected('trusted without a signer and an anchor, or with reasons');
  return { ...body, escalation: (escalation ?? null) as VerdictBody['escalation'] } as VerdictBody;
}

/** A package's result: its verdict, or why there is none (each with the exit code it stands for). */
export function outcomeOf(
  job: { path: string; signature: string | null },
  result: VerdictBody | Failure,
): PackageOutcome {
  const about = { package: job.path, signature: job.signature };
  if (isFailure(result)) return { ...about, exit: result.exit, failure: result };
  const verdict = result as VerdictBody;
  return { ...about, exit: exitOfVerdict(verdict.verdict), verdict };
}

export interface Summary {
  packages: number;
  trusted: number;
  rejected: number;
  unknown_root: number;
  errors: number;
}

export function summarise(outcomes: PackageOutcome[]): Summary {
  const summary: Summary = { packages: outcomes.length, trusted: 0, rejected: 0, unknown_root: 0, errors: 0 };
  for (const outcome of outcomes) {
    if (outcome.verdict) summary[outcome.verdict.verdict] += 1;
    else summary.errors += 1;
  }
  return summary;
}
