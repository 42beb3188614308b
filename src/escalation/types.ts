/**
 * The data an escalation case is made of, and the facts a playbook is rendered with. Times are ISO-8601
 * strings (`Date.prototype.toISOString()` form) so that a case round-trips through JSON and SQL unchanged.
 * Fingerprints (`sha256`, `spkiSha256`) are lower-case hex without separators; certificate fields match
 * `CertificateSummary` of src/verify so that a verify outcome's `chain` and `top` can be passed as they are.
 */

export const CASE_KINDS = [
  'unknown-root',
  'distrusted-root',
  'expired-signer-chain',
  'unknown-root-overflow',
] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const CASE_STATES = ['open', 'resolved'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export type ResolutionOutcome = 'approved' | 'rejected';

/** One certificate of the chain the signature carried, as `/verify` reports it. */
export interface ChainCertificate {
  subject: string;
  issuer: string;
  /** Hex. */
  serial: string;
  sha256: string;
  spkiSha256: string;
  /** ISO-8601. */
  notBefore: string;
  /** ISO-8601. */
  notAfter: string;
}

/** The highest certificate path building could reach (the one whose issuer is unknown). */
export interface TopCertificate {
  sha256: string;
  spkiSha256: string;
  subject: string;
  /** Issuer of the top certificate; equal to `subject` when the top is a self-issued root. */
  issuer?: string;
  /**
   * Why the top certificate cannot be approved as a root, when it cannot (src/trust `rootRefusal`, the
   * admin API's own rule, as of the latest verification): the checklist then says so and what to do
   * instead. Absent when it could be approved, or when the case was opened before this was recorded.
   */
  rootRefusal?: TopRootRefusal;
}

/**
 * What to do instead of proposing the top certificate as a root: `pin-signer` (it is no CA, e.g. a
 * self-signed signing key: pin the signer, `POST /vendors/{id}/signers`), `full-chain` (it is not the
 * root, or the root is unusable: ask the vendor for its full and current chain).
 */
export type RootRemedy = 'pin-signer' | 'full-chain';

export interface TopRootRefusal {
  /** The error code the admin API answers a proposal of this certificate with, e.g. `ROOT_NOT_CA`. */
  code: string;
  /** Why, naming the certificate (from the certificate: escaped wherever it is shown). */
  detail: string;
  remedy: RootRemedy;
}

/** An escalation contact of a vendor, from the trust store (`vendor.json`) and nowhere else. */
export interface VendorContact {
  name: string;
  /** How to reach them: `email`, `phone`, `url`, `chat`, ... */
  channel: string;
  value: string;
}

export interface VendorFacts {
  id: string;
  name: string;
  contacts: readonly VendorContact[];
}

/** An advisory feed item that matches the case (same vendor, mentions the fingerprint, ...). */
export interface MatchingAdvisory {
  title: string;
  link: string;
  feed: string;
  /** ISO-8601, or empty when the feed did not say. */
  published: string;
}

/** A candidate root (announced by a feed, never trusted by itself) that matches the case. */
export interface CandidateRoot {
  sha256: string;
  spkiSha256: string;
  corroborated: boolean;
  /** Where it came from, e.g. `feed https://vendor.example/advisories.xml, item "CA rotation 2026"`. */
  provenance: string;
}

/**
 * An active root of *another* vendor that the chain of an unknown-root case reaches: the top certificate is
 * that root (`certificate`), has its key (`key`), or names it as its issuer (`issuer`, by name only). The
 * caller probably named the wrong vendor.
 */
export interface OtherVendorRoot {
  vendorId: string;
  vendorName: string;
  sha256: string;
  spkiSha256: string;
  subject: string;
  match: 'certificate' | 'key' | 'issuer';
}

/**
 * What the caller of `/verify` said about the package (optional, validated by the request readers): the
 * file's name and the pipeline job that sent it. The latest verification that gave it wins.
 */
export interface CallerContext {
  fileName?: string;
  /** http(s) only. */
  jobUrl?: string;
  /** ISO-8601: the verification that sent it. */
  at: string;
}

/**
 * What a case's context says besides its own data, looked up when it is rendered (never stored): other
 * vendors whose active root the chain reaches, and how many advisory feeds the vendor has subscribed.
 * Plain text in JSON; only the Markdown rendering escapes.
 */
export interface CaseSurroundings {
  otherVendorRoots: OtherVendorRoot[];
  /** Advisory feeds subscribed for the case's vendor; null when this deployment keeps no feeds. */
  feedsOnFile: number | null;
}

export interface StepProgress {
  n: number;
  done: boolean;
  note: string;
  actor: string;
  /** ISO-8601. */
  at: string;
}

export interface Resolution {
  outcome: ResolutionOutcome;
  note: string;
  actor: string;
  /** ISO-8601. */
  at: string;
}

/** The persistent state of a case (what the repository stores, one row per case). */
export interface EscalationCase {
  id: string;
  /** `caseKey(vendorId, top.spkiSha256, kind)`: at most one open case per key. */
  key: string;
  kind: CaseKind;
  state: CaseState;
  vendorId: string;
  top: TopCertificate;
  /** The chain of the latest verification that hit this case, leaf first. */
  chain: ChainCertificate[];
  verificationsBlocked: number;
  /** ISO-8601. */
  firstSeen: string;
  /** ISO-8601. */
  lastSeen: string;
  /** Most recent last, distinct, at most `MAX_ARTIFACT_DIGESTS`. */
  artifactDigests: string[];
  /** Only on an `unknown-root-overflow` case: the unknown roots it counted instead of opening their cases. */
  overflow?: OverflowTally;
  /** What the latest caller that gave any said about the package (file name, pipeline job URL). */
  caller?: CallerContext;
  /** Number of steps of the playbook the case was rendered with (bounds for `applyStep`). */
  stepCount: number;
  /** Latest state of every step someone touched, ordered by `n`. */
  steps: StepProgress[];
  resolution: Resolution | null;
  /** ISO-8601. */
  openedAt: string;
  /** ISO-8601. */
  updatedAt: string;
}

/** One distinct top certificate an overflow case counted (by SPKI SHA-256, as case keys match roots). */
export interface OverflowRoot {
  subject: string;
  /** SHA-256 of the latest certificate seen with this key. */
  sha256: string;
  spkiSha256: string;
  /** Verifications of this root the overflow case counted (since the root entered the list). */
  verifications: number;
  /** ISO-8601. */
  firstSeen: string;
  /** ISO-8601. */
  lastSeen: string;
}

/**
 * What an overflow case knows besides its counts: the opening budget that was exceeded and a bounded list
 * of the roots seen. The case's `verificationsBlocked` counts every suppressed verification; those not
 * attributed to a listed root (`verificationsBlocked - sum(roots[].verifications)`) belong to roots that
 * were pushed off the list or to counts taken without the list (see `OverflowView.unlistedVerifications`).
 */
export interface OverflowTally {
  /** The budget in force when the verification was suppressed. */
  newCasesPerVendor: number;
  windowSeconds: number;
  /** At most `overflowRootsListed` entries, in the order they entered the list. */
  roots: OverflowRoot[];
}

/** Everything a playbook can be filled with. Built by the platform from the case and the store. */
export interface CaseFacts {
  caseId: string;
  kind: CaseKind;
  state: CaseState;
  /** From the trust store: contacts never come from the signature or a feed. */
  vendor: VendorFacts;
  /** Leaf first. */
  chain: readonly ChainCertificate[];
  top: TopCertificate;
  advisories: readonly MatchingAdvisory[];
  candidates: readonly CandidateRoot[];
  /** `sha256:<hex>` digests of the artifacts this case blocked, most recent last. */
  artifactDigests: readonly string[];
  counts: {
    verificationsBlocked: number;
    /** ISO-8601. */
    firstSeen: string;
    /** ISO-8601. */
    lastSeen: string;
  };
  /** Base URL of this trustgate for the API calls in the checklist, e.g. `https://trustgate.example`. */
  serviceBaseUrl: string;
  /** Progress of the steps, to show which are done. */
  steps?: readonly StepProgress[];
  /** Only for an `unknown-root-overflow` case. */
  overflow?: OverflowTally;
  resolution?: Resolution | null;
  /** How the engineer's copy of the signature is called and encoded (defaults `sig.p7s`, `DER`). */
  signature?: { fileName?: string; format?: 'DER' | 'PEM' };
  /** Other vendors whose active root the chain reaches (unknown-root cases). */
  otherVendorRoots?: readonly OtherVendorRoot[];
  /** Advisory feeds subscribed for the vendor; null or absent when unknown. */
  feedsOnFile?: number | null;
  caller?: CallerContext;
}

/** One rendered checklist step. */
export interface Step {
  n: number;
  /** Plain text (no Markdown). */
  title: string;
  /** Markdown: what the case's facts say is escaped, code is in code spans. */
  detail: string;
  /** The same step as plain text: the facts as they are, nothing escaped (the playbook's own words as written). */
  text: string;
  done: boolean;
}

export interface RenderedCase {
  checklist: Step[];
  markdown: string;
  /** The surroundings the case was rendered with, when the platform looked them up. */
  context?: CaseSurroundings;
}
