import { bytesEqual } from '../encoding';
import type { ErrorCode } from '../errors';
import { isParseError, type ParsedCertificate } from './certificate';
import { parseCertificateMemo as parseCertificate } from './certificate-memo';
import {
  type CmsEnvelope,
  type CmsSigner,
  DEFAULT_ENVELOPE_LIMITS,
  type EnvelopeLimits,
  OID_DATA,
  readCmsEnvelope,
  readContentTypeAttribute,
  readMessageDigest,
} from './cms-envelope';
import { CODE_SIGNING_PATH_POLICY } from './code-signing-policy';
import { withCompromisedKeys } from './compromised-keys';
import { buildAndValidatePath, type PathAnchor, type PathOutcome, type PathRequest } from './path';
import {
  checkPathRevocation,
  type PathRevocationResult,
  type RevocationEvidence,
  type RevocationSources,
} from './path-revocation';
import { revocationPathOf, signerCertificateOf, withPinnedSigners } from './pinned-signer';
import { type Reason, reason } from './reasons';
import { applyRevocationPolicy, DEFAULT_REVOCATION_POLICY, type RevocationPolicy } from './revocation-policy';
import { digestAlgorithm, type HashName, verifySignature } from './signature';
import { latestSigningTime, signerTimestamp, timestampWindowReasons } from './timestamp';

export const CODE_SIGNING_EKU = '1.3.6.1.5.5.7.3.3';

/** What the caller knows of the signed artifact: its bytes, or only a digest it computed itself. */
export type ArtifactInput =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'digest'; algorithm: HashName; value: Uint8Array }
  | { kind: 'none' };

export interface VerifyLimits extends EnvelopeLimits {
  maxPathDepth: number;
  maxSignatureChecks: number;
}

export const DEFAULT_VERIFY_LIMITS: VerifyLimits = {
  ...DEFAULT_ENVELOPE_LIMITS,
  maxPathDepth: 8,
  maxSignatureChecks: 64,
};

export interface VerifyRequest {
  signature: Uint8Array;
  artifact: ArtifactInput;
  anchors: PathAnchor[];
  time: Date;
  subtle: SubtleCrypto;
  limits?: Partial<VerifyLimits>;
  /** Roots of timestamp authorities (global and the vendor's): a timestamp token must chain to one. */
  tsaAnchors?: PathAnchor[];
  /** DER CRLs to check the chain against (e.g. an admin's uploads), besides those the envelope carries. */
  crls?: Uint8Array[];
  /** What missing revocation information does (default best-effort: a warning). */
  revocation?: RevocationPolicy;
  /**
   * Fetches (or finds cached) the CRLs at the http(s) distribution points that the validated path's
   * certificates name; failures are the fetcher's to swallow (missing CRLs are then what the revocation
   * policy says).
   */
  fetchCrls?: RevocationSources['fetchCrls'];
  /** Stored CRLs (admin uploads) of the validated path's issuers. */
  storedCrls?: RevocationSources['storedCrls'];
  /** Revocations remembered from earlier CRLs (see revocation-memory.ts). */
  knownRevocations?: RevocationSources['knownRevocations'];
  /** Asks the signer's OCSP responders (Node; see services/revocation/ocsp-fetcher.ts). */
  fetchOcsp?: RevocationSources['fetchOcsp'];
  /** Hashes the artifact and attached content (default: WebCrypto's one-shot digest). */
  digest?: DigestBytes;
  /** Builds and validates the signer's path (default `buildAndValidatePath`; e.g. a `PathCache`). */
  validatePath?: (request: PathRequest) => Promise<PathOutcome>;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  sha256: string;
  spkiSha256: string;
  notBefore: string;
  notAfter: string;
}

export type Verdict = 'trusted' | 'rejected' | 'unknown_root';

export interface VerifyOutcome {
  verdict: Verdict;
  reasons: Reason[];
  signer: CertificateSummary | null;
  /** Signer first, then each issuer up to the anchor (or the top certificate reached). */
  chain: CertificateSummary[];
  /** The anchor the path ended at, by its id in the trust store. */
  anchorId: string | null;
  /** For unknown_root: the top certificate of the longest path built, the one to escalate. */
  top: CertificateSummary | null;
  /** DER of `top`, when there is one: for the caller to tell whether it could be approved as a root. */
  topDer?: Uint8Array;
  digestAlgorithm: HashName | null;
  /** DER of the signer certificate the verdict is about (for the caller's identity rules), or null. */
  signerDer: Uint8Array | null;
  /** What did not decide the verdict but the caller should know (e.g. revocation not checked). */
  warnings?: Reason[];
  /** CRLs that verified against the path, with their revocations: for the caller to remember. */
  revocationEvidence?: RevocationEvidence[];
  /** An Authenticode file's signatures, each with its own result, in file order (nested after parent). */
  signatures?: SignatureSummary[];
}

export type VerifyResult =
  | { ok: true; outcome: VerifyOutcome }
  | { ok: false; code: ErrorCode; detail: string };

/** One Authenticode signature of a file, with its own result (src/verify/authenticode). */
export interface SignatureSummary {
  /** "1", "2" (table entries in file order), "1.1" (nested in 1), "given" (the request's `signature`). */
  id: string;
  verdict: Verdict;
  reasons: Reason[];
  signer: CertificateSummary | null;
  chain: CertificateSummary[];
  anchorId: string | null;
  digestAlgorithm: HashName | null;
  timestamp?: { time: string; kind: 'rfc3161' | 'pkcs9-countersignature' };
}

/**
 * What a content type other than id-data needs (Authenticode's SpcIndirectDataContent): the content type
 * the signature must have, and the check of its content against the artifact, given the signer's hash.
 */
export interface ContentCheck {
  contentType: string;
  check: (envelope: CmsEnvelope, signerHash: HashName) => Promise<Reason[]>;
}

const summaries = new WeakMap<ParsedCertificate, Readonly<CertificateSummary>>();

/**
 * The summary of a certificate. Remembered per parsed certificate (parses are themselves remembered by
 * their bytes and frozen, so the signer and its issuers come back as the same objects); each caller gets
 * its own copy.
 */
export function summarize(certificate: ParsedCertificate): CertificateSummary {
  let summary = summaries.get(certificate);
  if (!summary) {
    summary = Object.freeze({
      subject: certificate.subject,
      issuer: certificate.issuer,
      serial: certificate.serialHex,
      sha256: certificate.sha256Hex,
      spkiSha256: certificate.spkiSha256Hex,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
    });
    summaries.set(certificate, summary);
  }
  return { ...summary };
}

/**
 * Hashes bytes that may be large (an artifact, the attached content, a JAR entry: up to 64 MiB). The
 * default is WebCrypto's one-shot digest; a server passes one that hashes in slices, so that one big
 * artifact does not hold every other request for the time it takes.
 */
export type DigestBytes = (hash: HashName, data: Uint8Array) => Promise<Uint8Array>;

/** A rejection decided before any signer certificate was found: no signer, chain or anchor to report. */
export const rejectedWithoutSigner = (reasons: Reason[]): VerifyResult => ({
  ok: true,
  outcome: {
    verdict: 'rejected',
    reasons,
    signer: null,
    chain: [],
    anchorId: null,
    top: null,
    digestAlgorithm: null,
    signerDer: null,
  },
});

/** WebCrypto's digest, without a copy of the input where WebCrypto can read it as it is. */
export const webCryptoDigest =
  (subtle: SubtleCrypto): DigestBytes =>
  async (hash, data) =>
    new Uint8Array(
      await subtle.digest(
        hash,
        data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : data.slice(),
      ),
    );

/**
 * Integrity of one signer: the content digest against messageDigest (or the content itself when there
 * are no signed attributes), and the signature. Returns the reasons found, empty when it holds.
 */
async function checkIntegrity(
  subtle: SubtleCrypto,
  digest: DigestBytes,
  envelope: CmsEnvelope,
  signer: CmsSigner,
  signerCertificate: ParsedCertificate,
  artifact: ArtifactInput,
  contentCheck?: ContentCheck,
): Promise<{ reasons: Reason[]; hash: HashName | null } | { error: ErrorCode; detail: string }> {
  const reasons: Reason[] = [];
  const digestPolicy = digestAlgorithm(signer.digestAlgorithmOid);
  if (!digestPolicy.ok) return { reasons: [digestPolicy.reason], hash: null };
  const hash = digestPolicy.hash;

  if (artifact.kind === 'digest' && artifact.algorithm !== hash) {
    return {
      error: 'DIGEST_ALGORITHM_MISMATCH',
      detail: `the signer used ${hash}; send the artifact or its ${hash.toLowerCase().replace('-', '')} digest`,
    };
  }
  if (artifact.kind === 'none' && envelope.content === null) {
    return {
      error: 'CONTENT_REQUIRED',
      detail: 'the signature is detached: send the artifact or its digest',
    };
  }

  // A package signature signs bytes (id-data); another content type is a format this verifier does not
  // read, whose content would mean something other than the artifact.
  // Authenticode signs an SpcIndirectDataContent instead, checked by the caller's `contentCheck`.
  const expectedType = contentCheck?.contentType ?? OID_DATA;
  if (envelope.contentType !== expectedType) {
    reasons.push(
      reason(
        'CONTENT_TYPE_UNSUPPORTED',
        `the signed content type is ${envelope.contentType}; ${contentCheck ? 'this format signs' : 'package signatures sign'} ${expectedType === OID_DATA ? 'id-data' : expectedType}`,
      ),
    );
  } else if (contentCheck) {
    reasons.push(...(await contentCheck.check(envelope, hash)));
  }

  // The digest the signer committed to must match every form of the content we were given.
  const contentDigests: Uint8Array[] = [];
  if (envelope.content !== null) contentDigests.push(await digest(hash, envelope.content));
  if (artifact.kind === 'bytes') contentDigests.push(await digest(hash, artifact.bytes));
  if (artifact.kind === 'digest') contentDigests.push(artifact.value);

  let signedData: Uint8Array;
  if (signer.signedAttributes) {
    const contentType = readContentTypeAttribute(signer);
    if (contentType !== envelope.contentType) {
      reasons.push(
        reason(
          'CONTENT_TYPE_MISMATCH',
          'the signed content-type attribute is missing or differs from the content type',
        ),
      );
    }
    const messageDigest = readMessageDigest(signer);
    if (!messageDigest) {
      reasons.push(
        reason('MESSAGE_DIGEST_MISSING', 'the signed attributes carry no single message-digest value'),
      );
    } else if (!contentDigests.every((d) => bytesEqual(d, messageDigest))) {
      reasons.push(
        reason('DIGEST_MISMATCH', `the artifact's ${hash} digest differs from the signed message digest`),
      );
    }
    signedData = signer.signedAttributes;
  } else {
    // Without signed attributes the signature covers the content itself (RFC 5652 §5.4).
    const content = envelope.content ?? (artifact.kind === 'bytes' ? artifact.bytes : null);
    if (!content) {
      return {
        error: 'CONTENT_REQUIRED',
        detail:
          'the signature has no signed attributes, so it can only be checked against the artifact itself',
      };
    }
    // The signature covers `content`; every other form of the content we were given (the uploaded
    // artifact, or a digest the caller computed) must be that same content.
    const [signedDigest, ...others] = contentDigests;
    if (signedDigest && others.some((d) => !bytesEqual(d, signedDigest))) {
      reasons.push(reason('DIGEST_MISMATCH', 'the artifact differs from the content inside the signature'));
    }
    signedData = content;
  }

  const signature = await verifySignature(subtle, {
    spki: signerCertificate.spki,
    algorithm: signer.signatureAlgorithm,
    digestAlgorithmOid: signer.digestAlgorithmOid,
    data: signedData,
    signature: signer.signature,
  });
  if (!signature.ok) reasons.push(signature.reason);
  return { reasons, hash };
}

function dedupe(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = `${r.code}\u0000${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function decide(integrityReasons: Reason[], path: PathOutcome): { verdict: Verdict; reasons: Reason[] } {
  switch (path.status) {
    case 'valid':
      return integrityReasons.length === 0
        ? { verdict: 'trusted', reasons: [] }
        : { verdict: 'rejected', reasons: integrityReasons };
    case 'invalid':
      return { verdict: 'rejected', reasons: [...integrityReasons, ...path.reasons] };
    case 'no_anchor': {
      const diagnostics = path.reasons.filter((r) => r.code !== 'UNKNOWN_ROOT');
      const unknown =
        path.reasons.find((r) => r.code === 'UNKNOWN_ROOT') ??
        reason('UNKNOWN_ROOT', 'no path from the signer reaches an active root of this vendor');
      // A broken signature, a certificate that fails a check or a search cut short is a rejection, never an
      // escalation: only a clean chain that ends at a root we do not know goes to on-call.
      const rejected = integrityReasons.length > 0 || diagnostics.length > 0;
      return {
        verdict: rejected ? 'rejected' : 'unknown_root',
        reasons: [...integrityReasons, unknown, ...diagnostics],
      };
    }
  }
}

/**
 * Verifies one CMS SignedData over an artifact against the anchors of one vendor at one time. Pure: the
 * clock, the anchors and WebCrypto come in as arguments.
 */
export async function verifyPackage(request: VerifyRequest): Promise<VerifyResult> {
  return (await verifySignedData(request)).result;
}

/** The verified timestamp's time and kind, as a signature summary shows it. */
export type TimestampSummary = NonNullable<SignatureSummary['timestamp']>;

/**
 * `verifyPackage`, with a check for a content type other than id-data (Authenticode), and the timestamp
 * that moved validation time, if any.
 */
export async function verifySignedData(
  request: VerifyRequest,
  contentCheck?: ContentCheck,
): Promise<{ result: VerifyResult; timestamp: TimestampSummary | null }> {
  const none = (result: VerifyResult) => ({ result, timestamp: null });
  const limits = { ...DEFAULT_VERIFY_LIMITS, ...request.limits };
  const parsed = readCmsEnvelope(request.signature, limits);
  if (!parsed.ok) return none(parsed);
  const envelope = parsed.envelope;
  const signer = envelope.signers[0];
  if (!signer) return none({ ok: false, code: 'NO_SIGNERS', detail: 'the SignedData has no signer' });

  const { certificate: signerCertificate, problem } = signerCertificateOf(
    envelope.certificates,
    signer.sid,
    request.anchors,
  );
  if (!signerCertificate) {
    return none(
      rejectedWithoutSigner([
        problem ?? reason('SIGNER_CERT_NOT_FOUND', 'the signer certificate cannot be used'),
      ]),
    );
  }

  const integrity = await checkIntegrity(
    request.subtle,
    request.digest ?? webCryptoDigest(request.subtle),
    envelope,
    signer,
    signerCertificate,
    request.artifact,
    contentCheck,
  );
  if ('error' in integrity) return none({ ok: false, code: integrity.error, detail: integrity.detail });

  // A verified timestamp (RFC 3161 token or legacy countersignature) moves validation to its time; the
  // signer's own self-asserted signingTime never does.
  const stamp = await signerTimestamp(
    signer,
    request.tsaAnchors ?? [],
    request.time,
    request.subtle,
    envelope.certificates,
  );
  const stamped = stamp.kind === 'valid' ? stamp.timestamp : null;
  const structural = await withCompromisedKeys(
    withPinnedSigners(request.validatePath ?? buildAndValidatePath),
  )({
    leaf: signerCertificate.der,
    intermediates: envelope.certificates.filter((der) => !bytesEqual(der, signerCertificate.der)),
    anchors: request.anchors,
    time: stamped ? stamped.time : request.time,
    ...(stamped ? { signingTime: latestSigningTime(stamped) } : {}),
    requiredEku: [CODE_SIGNING_EKU],
    ...CODE_SIGNING_PATH_POLICY,
    limits: { maxDepth: limits.maxPathDepth, maxSignatureChecks: limits.maxSignatureChecks },
    subtle: request.subtle,
  });
  // Revocation only for a signature and path that hold otherwise: nothing is fetched or looked up for
  // one that already fails. CRLs are judged current now, not at the timestamp; a revocation after a
  // trusted timestamp counts unless its reason says nothing of a compromised key.
  const revoked =
    structural.status === 'valid' && integrity.reasons.length === 0
      ? await checkPathRevocation({
          path: await revocationPathOf(structural, envelope.certificates, request.subtle),
          anchorId: structural.anchor.id,
          pool: bagCertificates(envelope.certificates),
          sources: {
            crls: [...envelope.crls, ...(request.crls ?? [])],
            ocspResponses: [...envelope.ocspResponses],
            ...(request.fetchOcsp ? { fetchOcsp: request.fetchOcsp } : {}),
            ...(request.storedCrls ? { storedCrls: request.storedCrls } : {}),
            ...(request.fetchCrls ? { fetchCrls: request.fetchCrls } : {}),
            ...(request.knownRevocations ? { knownRevocations: request.knownRevocations } : {}),
          },
          time: request.time,
          validationTime: stamped ? stamped.time : request.time,
          subtle: request.subtle,
          maxSignatureChecks: limits.maxSignatureChecks,
        })
      : null;
  const { path, warnings } = applyRevocationPolicy(
    withRevocation(structural, revoked),
    request.revocation ?? DEFAULT_REVOCATION_POLICY,
    { crlsChecked: revoked?.anySource === true },
  );
  const timestampReasons =
    stamp.kind === 'invalid'
      ? [stamp.reason]
      : stamped
        ? timestampWindowReasons(stamped, path.path, path.status === 'valid' ? [] : path.reasons)
        : [];
  const { verdict, reasons } = decide([...integrity.reasons, ...timestampReasons], path);
  const chain = path.path.map(summarize);
  const result: VerifyResult = {
    ok: true,
    outcome: {
      verdict,
      reasons: dedupe(reasons),
      signer: summarize(signerCertificate),
      chain,
      anchorId: path.status === 'no_anchor' ? null : path.anchor.id,
      top: path.status === 'no_anchor' ? (chain[chain.length - 1] ?? null) : null,
      ...topDerOf(path),
      digestAlgorithm: integrity.hash,
      signerDer: signerCertificate.der,
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(revoked && revoked.evidence.length > 0 ? { revocationEvidence: revoked.evidence } : {}),
    },
  };
  return {
    result,
    timestamp: stamped ? { time: stamped.time.toISOString(), kind: stamped.kind } : null,
  };
}

/** The path outcome with the revocation check's reasons added (a valid path becomes invalid). */
function withRevocation(path: PathOutcome, revoked: PathRevocationResult | null): PathOutcome {
  if (path.status !== 'valid' || !revoked || revoked.reasons.length === 0) return path;
  return { status: 'invalid', path: path.path, anchor: path.anchor, reasons: revoked.reasons };
}

/** The bag's readable certificates: possible CRL signers besides the path's own. */
function bagCertificates(ders: readonly Uint8Array[]): ParsedCertificate[] {
  return ders.map((der) => parseCertificate(der)).filter((c): c is ParsedCertificate => !isParseError(c));
}

/** The DER of the top certificate of a path that reached no anchor (the one an escalation is about). */
function topDerOf(path: PathOutcome): { topDer?: Uint8Array } {
  const top = path.status === 'no_anchor' ? path.path[path.path.length - 1] : undefined;
  return top ? { topDer: top.der } : {};
}
