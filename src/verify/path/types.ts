import type { ParsedCertificate } from '../certificate';
import type { Reason } from '../reasons';
import type { AnchorChecks } from './anchor-checks';
import type { KeyUsageBit } from './extensions';

export interface PathAnchor {
  id: string;
  der: Uint8Array;
  /**
   * The anchor vouches only for signers whose notBefore (or `signingTime`, when a trusted timestamp
   * gives one) is before this date. Never compared with the wall clock.
   */
  distrustAfter?: Date;
  /**
   * The anchor was distrusted because its key (or a CA key under it) is compromised: it vouches for no
   * signature at all, whatever the dates, since whoever holds the key can backdate certificates and
   * timestamps alike. The path still ends here, so the verdict names the distrusted anchor.
   */
  keyCompromised?: boolean;
  /**
   * `root` (absent): a CA that anchors paths. `signer`: a pinned signer certificate, trusted as the signer
   * itself and for nothing else (verify/pinned-signer.ts): path building never ends at it.
   */
  kind?: 'root' | 'signer';
}

export interface PathPolicyInput {
  initialPolicySet: string[];
  explicitPolicy: boolean;
  policyMappingInhibit: boolean;
  inhibitAnyPolicy: boolean;
}

export interface PathLimits {
  /** Most intermediates that are not self-issued between leaf and anchor (default 8). */
  maxDepth?: number;
  /** Most certificate signature checks per request (default 64). */
  maxSignatureChecks?: number;
  /**
   * Most paths tried per request (default 64): each extension of a path by an intermediate and each
   * complete path validated at an anchor counts one.
   */
  maxPathsTried?: number;
  /** Most name-versus-constraint comparisons per path (default 65536). */
  maxNameConstraintChecks?: number;
}

export const DEFAULT_LIMITS: Required<PathLimits> = {
  maxDepth: 8,
  maxSignatureChecks: 64,
  maxPathsTried: 64,
  maxNameConstraintChecks: 65_536,
};

/** Self-issued intermediates (key rollover) allowed on top of `maxDepth`. */
export const MAX_SELF_ISSUED_INTERMEDIATES = 4;

export interface PathRequest {
  leaf: Uint8Array;
  intermediates: Uint8Array[];
  anchors: PathAnchor[];
  /** Validation time. Compared at whole seconds (the milliseconds are dropped), as certificates encode. */
  time: Date;
  /** A trusted timestamp, compared with anchors' `distrustAfter` instead of the leaf's notBefore. */
  signingTime?: Date;
  /** EKU OIDs the leaf must carry; anyExtendedKeyUsage does not satisfy them. */
  requiredEku: string[];
  /** A leaf without an extKeyUsage extension fails `requiredEku` (default true). */
  requireLeafEku?: boolean;
  /** keyUsage bits the leaf must assert when it has keyUsage. */
  leafKeyUsage: KeyUsageBit[];
  /** A leaf without a keyUsage extension is refused (default false). */
  requireLeafKeyUsage?: boolean;
  /**
   * What the anchor certificate itself is held to (default `certificate`: like a CA in the path, as
   * x509-limbo expects). The code-signing service passes `name-and-key` (RFC 5280 §6.1.1(d)): the anchor's
   * own profile problems and unknown critical extensions do not stop it anchoring; see anchor-checks.ts
   * and docs/policy.md for what is still applied.
   */
  anchorChecks?: AnchorChecks;
  /** A leaf that is a CA (basicConstraints cA) is accepted (default false: SIGNER_IS_CA). */
  allowCaLeaf?: boolean;
  /**
   * DER CRLs. When given (even empty), revocation is checked: every certificate below the anchor must be
   * covered by a usable CRL (see revocation.ts), or the path fails with REVOCATION_UNAVAILABLE.
   */
  crls?: Uint8Array[];
  /**
   * When CRLs must be current (thisUpdate <= t <= nextUpdate); default `time`. For a signature whose
   * `time` is a trusted timestamp, pass the time of verification: CRLs issued after the timestamp then
   * count. (A revocation dated after `time` for a reason that says nothing of a compromised key does not
   * revoke at `time`; see revocation.ts.)
   */
  revocationTime?: Date;
  policy?: PathPolicyInput;
  limits?: PathLimits;
  /**
   * Accept DSA keys and signatures, with parameters inherited down the path (RFC 5280 §6.1.4 (f)), for
   * the SHA-1-era suites that use them (NIST PKITS). The service never sets it (default false: DSA is
   * refused with UNSUPPORTED_ALGORITHM).
   */
  allowDsa?: boolean;
  subtle: SubtleCrypto;
}

export type PathOutcome =
  | { status: 'valid'; path: ParsedCertificate[]; anchor: PathAnchor }
  | { status: 'invalid'; path: ParsedCertificate[]; anchor: PathAnchor; reasons: Reason[] }
  | { status: 'no_anchor'; path: ParsedCertificate[]; reasons: Reason[] };
