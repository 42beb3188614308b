import { toHex } from '../encoding';
import { TrustgateError } from '../errors';
import {
  type Anchor,
  type AnchorKind,
  anchorKind,
  pathAnchorsOf,
  type TrustRepository,
  type Vendor,
} from '../trust';
import { applySignerIdentityRules } from '../trust/signer-identity';
import {
  type ArtifactInput,
  type CertificateSummary,
  DEFAULT_REVOCATION_POLICY,
  type DigestBytes,
  type DigestParts,
  type HashName,
  looksLikeCab,
  looksLikePe,
  looksLikeZip,
  OID_SPC_INDIRECT_DATA,
  type PathAnchor,
  type Reason,
  type RevocationMemory,
  type RevocationPolicy,
  type SignatureSummary,
  signedContentType,
  type VerifyJarResult,
  type VerifyLimits,
  type VerifyOutcome,
  type VerifyRequest,
  verifyAuthenticode,
  verifyCabinet,
  verifyJar,
  verifyPackage,
  webCryptoDigest,
} from '../verify';
import type { StoredCrls } from './revocation/crls';
import { createRevocationRecorder, type RevocationRecorder } from './revocation/recorder';
import { readVendorSnapshot, type VendorSnapshot } from './store-version-cache';
import type { CallerFields } from './verify-input';

export interface VerifyInput {
  vendor: string;
  signature: Uint8Array | null;
  artifact: ArtifactInput;
  /** Verify as of this instant instead of now (admins only; the route checks the role). */
  time?: Date;
  /** The vendor as the request reader already looked it up (`requireKnownVendor`): not read again. */
  known?: VendorSnapshot;
  /** What the caller said about the package (file name, pipeline job URL): kept on the escalation case. */
  caller?: CallerFields;
}

export interface EscalationView {
  id: string;
  state: string;
  kind: string;
  topCertificate: { subject: string; sha256: string; spkiSha256: string };
  checklist: Array<{ n: number; title: string; detail: string; text: string; done?: boolean }>;
  /** On-call rejected this root before (this case): the verdict is `rejected` with ESCALATION_REJECTED. */
  rejection?: { caseId: string; actor: string; at: string; note: string };
}

/** Opens or joins the escalation case a verdict calls for (an unknown root, a distrusted root, ...), or null. */
export type Escalator = (event: {
  vendor: Vendor;
  outcome: VerifyOutcome;
  artifactDigest: string | null;
  at: Date;
  caller?: CallerFields | undefined;
  /**
   * The vendor's anchors as this verification read them: an admins' decision on the root (approved,
   * distrusted, retired) after on-call's rejection supersedes it.
   */
  anchors?: readonly Anchor[];
}) => Promise<EscalationView | null>;

export interface VerificationDeps {
  trust: TrustRepository;
  subtle: SubtleCrypto;
  now: () => Date;
  limits: VerifyLimits;
  escalate: Escalator;
  /** Timestamp-authority roots for a vendor: the global ones (trust-store/_tsa) and the vendor's own. */
  tsaAnchors?: (vendorId: string) => PathAnchor[] | Promise<PathAnchor[]>;
  /** A vendor's stored CRLs (admin uploads) of these issuers (canonical names), checked besides those a signature carries. */
  storedCrls?: StoredCrls;
  /** Revocations seen in earlier CRLs: looked up for every validated path, and added to from each. */
  revocationMemory?: RevocationMemory;
  /** What missing revocation information does for a vendor (default best-effort: a warning). */
  revocationPolicy?: (vendorId: string) => RevocationPolicy;
  /** Fetches CRLs from the distribution points the signature's certificates name (see crl-fetcher.ts). */
  fetchCrls?: (urls: string[]) => Promise<Uint8Array[]>;
  /** Asks the signer's OCSP responders (its AIA) with a DER request (see ocsp-fetcher.ts). */
  fetchOcsp?: (request: { urls: string[]; der: Uint8Array; cacheKey: string }) => Promise<Uint8Array[]>;
  /** Hashes artifacts (default WebCrypto's one-shot digest; servers hash big ones in slices). */
  digest?: DigestBytes;
  /** Hashes the ranges of a PE file that its Authenticode image hash covers (default: in-process, pure). */
  digestParts?: DigestParts;
  /** Path building and validation for CMS signers, e.g. through a `PathCache` (default: uncached). */
  validatePath?: VerifyRequest['validatePath'];
}

/** What a verification decided, as the service has it; http/verdict-schema.ts maps it to the response. */
export interface VerificationResult {
  verdict: VerifyOutcome['verdict'];
  reasons: Reason[];
  vendor: string;
  verifiedAt: string;
  signer: CertificateSummary | null;
  chain: CertificateSummary[];
  /** The root the chain ends at, or the pinned signer the signer certificate is (`kind`). */
  anchor: { vendor: string; sha256: string; subject: string; kind: AnchorKind } | null;
  escalation: EscalationView | null;
  /** Present when something did not decide the verdict but should be known (e.g. revocation unchecked). */
  warnings?: Reason[];
  /** A signed PE file: each of its Authenticode signatures with its own result. */
  signatures?: SignatureVerdict[];
}

/** One Authenticode signature of a PE file, as the verdict reports it. */
export interface SignatureVerdict {
  id: string;
  verdict: VerifyOutcome['verdict'];
  reasons: Reason[];
  signer: CertificateSummary | null;
  chain: CertificateSummary[];
  anchor: { sha256: string; subject: string; kind: AnchorKind } | null;
  digestAlgorithm: HashName | null;
  timestamp?: { time: string; kind: 'rfc3161' | 'pkcs9-countersignature' };
}

type RevocationKey = { issuer: string; serial: string };

const recorders = new WeakMap<RevocationMemory, RevocationRecorder>();
const noMemory: RevocationRecorder = { record: async () => undefined };

/** One recorder per memory, so that a CRL is written once however many requests carry it. */
function recorderFor(deps: VerificationDeps): RevocationRecorder {
  const memory = deps.revocationMemory;
  if (!memory) return noMemory;
  let recorder = recorders.get(memory);
  if (!recorder) {
    recorder = createRevocationRecorder(memory);
    recorders.set(memory, recorder);
  }
  return recorder;
}

const unknownVendor = (id: string) =>
  new TrustgateError('UNKNOWN_VENDOR', `no vendor '${id}' in the trust store`);

/**
 * Refuses an unknown vendor (UNKNOWN_VENDOR) through the same cached store read as `verifyRequest`: the
 * request readers call it before they parse a byte of the signature, so an unknown vendor costs no parse.
 */
export async function requireKnownVendor(
  deps: Pick<VerificationDeps, 'trust'>,
  vendorId: string,
): Promise<VendorSnapshot> {
  const snapshot = await readVendorSnapshot(deps.trust, vendorId);
  if (!snapshot.vendor) throw unknownVendor(vendorId);
  return snapshot;
}

export async function verifyRequest(deps: VerificationDeps, input: VerifyInput): Promise<VerificationResult> {
  // The vendor and its anchors as of one store version (one version read per request when cached).
  const { vendor, anchors: stored } =
    input.known?.vendor?.id === input.vendor
      ? input.known
      : await readVendorSnapshot(deps.trust, input.vendor);
  if (!vendor) throw unknownVendor(input.vendor);
  const at = input.time ?? deps.now();
  const memory = deps.revocationMemory;
  const common = {
    anchors: pathAnchorsOf(stored),
    tsaAnchors: (await deps.tsaAnchors?.(vendor.id)) ?? [],
    ...(deps.storedCrls
      ? { storedCrls: (issuers: string[]) => (deps.storedCrls as StoredCrls)(vendor.id, issuers) }
      : {}),
    ...(memory ? { knownRevocations: (keys: RevocationKey[]) => memory.find(keys) } : {}),
    // The vendor's `require` is never loosened by the optional callback; it can only tighten best-effort.
    revocation:
      vendor.revocationPolicy === 'require'
        ? 'require'
        : (deps.revocationPolicy?.(vendor.id) ?? DEFAULT_REVOCATION_POLICY),
    ...(deps.fetchCrls ? { fetchCrls: deps.fetchCrls } : {}),
    ...(deps.fetchOcsp ? { fetchOcsp: deps.fetchOcsp } : {}),
    ...(deps.validatePath ? { validatePath: deps.validatePath } : {}),
    ...(deps.digest ? { digest: deps.digest } : {}),
    time: at,
    subtle: deps.subtle,
  };
  const result = await verifyByFormat(deps, input, common);
  if (!result.ok) throw new TrustgateError(result.code, result.detail);
  if (result.outcome.revocationEvidence) await recorderFor(deps).record(result.outcome.revocationEvidence);
  const outcome = applySignerIdentityRules(vendor, result.outcome);
  const anchor = outcome.anchorId ? stored.find((a) => a.sha256 === outcome.anchorId) : undefined;

  // The artifact's digest is for the escalation case only: a trusted verdict does not hash it again.
  const escalation =
    outcome.verdict === 'trusted'
      ? null
      : await deps.escalate({
          vendor,
          outcome,
          artifactDigest: await artifactDigestOf(deps, input),
          at,
          anchors: stored,
          ...(input.caller ? { caller: input.caller } : {}),
        });
  // A root on-call rejected stays rejected: the verdict says so and points at the decision. Only a verdict
  // that was not trusted is escalated, so this path can only ever refuse.
  const rejected = escalation?.rejection ? rememberedRefusal(escalation.rejection) : undefined;
  return {
    verdict: rejected ? 'rejected' : outcome.verdict,
    reasons: rejected ? [rejected, ...outcome.reasons] : outcome.reasons,
    vendor: vendor.id,
    verifiedAt: at.toISOString(),
    signer: outcome.signer,
    chain: outcome.chain,
    anchor: anchor
      ? { vendor: vendor.id, sha256: anchor.sha256, subject: anchor.subject, kind: anchorKind(anchor) }
      : null,
    escalation,
    ...(outcome.warnings?.length ? { warnings: outcome.warnings } : {}),
    ...(outcome.signatures
      ? { signatures: outcome.signatures.map((one) => signatureVerdict(one, stored)) }
      : {}),
  };
}

/** The reason a verdict gives when on-call rejected its root before. */
function rememberedRefusal(r: NonNullable<EscalationView['rejection']>): Reason {
  const note = r.note.trim() === '' ? '' : `: ${r.note.trim()}`;
  return {
    code: 'ESCALATION_REJECTED',
    message: `on-call rejected this root in escalation case ${r.caseId} (${r.actor}, ${r.at})${note}; packages signed under it stay refused until two admins approve the root`,
  };
}

function signatureVerdict(one: SignatureSummary, stored: readonly Anchor[]): SignatureVerdict {
  const anchor = one.anchorId ? stored.find((a) => a.sha256 === one.anchorId) : undefined;
  return {
    id: one.id,
    verdict: one.verdict,
    reasons: one.reasons,
    signer: one.signer,
    chain: one.chain,
    anchor: anchor ? { sha256: anchor.sha256, subject: anchor.subject, kind: anchorKind(anchor) } : null,
    digestAlgorithm: one.digestAlgorithm,
    ...(one.timestamp ? { timestamp: one.timestamp } : {}),
  };
}

/** `sha256:<hex>` (or the caller's own algorithm for a digest it sent) of the artifact, for escalations. */
async function artifactDigestOf(deps: VerificationDeps, input: VerifyInput): Promise<string | null> {
  if (input.artifact.kind === 'digest')
    return `${input.artifact.algorithm.toLowerCase().replace('-', '')}:${toHex(input.artifact.value)}`;
  if (input.artifact.kind === 'bytes') {
    const digest = await (deps.digest ?? webCryptoDigest(deps.subtle))('SHA-256', input.artifact.bytes);
    return `sha256:${toHex(digest)}`;
  }
  return null;
}

type CommonRequest = Omit<VerifyRequest, 'signature' | 'artifact' | 'limits'>;

const missingSignature = () =>
  new TrustgateError(
    'MISSING_FIELD',
    'signature is required (CMS/PKCS#7 SignedData, DER or PEM) unless the artifact is a signed ZIP/JAR or a signed PE file (Authenticode)',
  );

/**
 * The verifier for what was sent: a signature over the artifact (CMS), a signed ZIP/JAR or a PE file
 * carrying its own, or an Authenticode signature given apart from its PE file. An Authenticode signature
 * commits to the PE image hash, so it is never checked as a plain CMS signature over the bytes, and it
 * needs the file itself: a digest of it cannot give the image hash.
 */
async function verifyByFormat(
  deps: VerificationDeps,
  input: VerifyInput,
  common: CommonRequest,
): Promise<VerifyJarResult> {
  const bytes = input.artifact.kind === 'bytes' ? input.artifact.bytes : null;
  const authenticode = {
    ...common,
    limits: deps.limits,
    ...(deps.digestParts ? { digestParts: deps.digestParts } : {}),
  };
  if (!input.signature) {
    if (bytes && looksLikePe(bytes)) return verifyAuthenticode({ ...authenticode, image: bytes });
    if (bytes && looksLikeCab(bytes)) return verifyCabinet({ ...authenticode, image: bytes });
    if (bytes && looksLikeZip(bytes)) return verifyJar({ ...common, archive: bytes, limits: deps.limits });
    throw missingSignature();
  }
  if (signedContentType(input.signature, deps.limits) === OID_SPC_INDIRECT_DATA) {
    if (!bytes) {
      throw new TrustgateError(
        'CONTENT_REQUIRED',
        'an Authenticode signature commits to the PE image hash, which only the file gives: send the file itself as artifact (read whole, within the artifact size limit), not its digest',
      );
    }
    const verifyFile = looksLikeCab(bytes) ? verifyCabinet : verifyAuthenticode;
    return verifyFile({ ...authenticode, image: bytes, signature: input.signature });
  }
  return verifyPackage({
    ...common,
    signature: input.signature,
    artifact: input.artifact,
    limits: deps.limits,
  });
}
