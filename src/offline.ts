/**
 * The verification core without a server or a database, for `trustgate verify --offline`: the reviewed
 * trust-store folder goes through the same `importSeed` as the server's, into an in-memory store, and
 * every verification through the same `verifyRequest`, with the limits, path cache and store-read cache
 * the server's /verify has. Nothing here may reach a runtime or a framework: the CLI bundles it into one
 * file that runs on plain Node.
 *
 * Air-gapped by design: revocation is decided by what the signature carries (CRLs, OCSP responses) and
 * the vendor's policy; nothing is fetched, there are no uploaded CRLs and no memory of revocations seen
 * before, and no escalation case is opened (an unknown root is the verdict, nobody is told).
 */
import { cacheTrustReads } from './services/store-version-cache';
import { type VerificationDeps, type VerificationResult, verifyRequest } from './services/verification';
import { missingVendor, withinSizeLimit } from './services/verify-input';
import { createInMemoryTrustRepository, importSeed, type SeedReport, type SeedVendor } from './trust';
import {
  type ArtifactInput,
  DEFAULT_VERIFY_LIMITS,
  type DigestParts,
  type HashName,
  type PathAnchor,
  streamableDigest,
  type VerifyLimits,
} from './verify';
import { createPathCache } from './verify/path-cache';

export interface OfflineSources {
  /** The trust-store folder as platform/trust-store-files.ts reads it. */
  seed: SeedVendor[];
  /** Timestamp-authority roots per vendor (platform/tsa-store-files.ts: `_tsa` and `<vendor>/tsa`). */
  tsaAnchors?: (vendorId: string) => PathAnchor[];
  subtle: SubtleCrypto;
  now: () => Date;
  /** Over DEFAULT_VERIFY_LIMITS, as the server's /verify has them unless configured otherwise. */
  limits?: Partial<VerifyLimits>;
  /** Hashes a PE image's parts (default: the pure in-process hasher, ten times slower than node:crypto). */
  digestParts?: DigestParts;
}

export interface OfflineVerifyInput {
  vendor: string;
  /** CMS/PKCS#7 SignedData (DER or PEM); null for a ZIP/JAR signed the jarsigner way, sent as bytes. */
  signature: Uint8Array | null;
  artifact: ArtifactInput;
  /** Verify as of this instant instead of now. */
  time?: Date;
}

export interface OfflineVerifier {
  /** What the import of the trust store did (skipped files, conflicts), for the CLI to warn about. */
  report: SeedReport;
  /** The vendor ids of the trust store, sorted. */
  vendors(): Promise<string[]>;
  /** The server's verdict for the same input; throws TrustgateError where the server refuses the request. */
  verify(input: OfflineVerifyInput): Promise<VerificationResult>;
  /**
   * The hash the signature's single signer digests the artifact with, so a large artifact can be hashed
   * while it is read and passed as `{kind: 'digest'}`; null when the signature cannot be read or the
   * signer has no signed attributes (its signature covers the artifact bytes themselves: send them).
   */
  signerHash(signature: Uint8Array): HashName | null;
}

/** The server never opens a case for an offline verification: there is no one to hand it to. */
const noEscalation: VerificationDeps['escalate'] = async () => null;

export async function createOfflineVerifier(sources: OfflineSources): Promise<OfflineVerifier> {
  const { subtle, now } = sources;
  const trust = createInMemoryTrustRepository();
  const report = await importSeed(trust, sources.seed, now());
  const limits: VerifyLimits = { ...DEFAULT_VERIFY_LIMITS, ...sources.limits };
  const deps: VerificationDeps = {
    trust: cacheTrustReads(trust),
    subtle,
    now,
    limits,
    escalate: noEscalation,
    validatePath: createPathCache().validator,
    ...(sources.tsaAnchors ? { tsaAnchors: sources.tsaAnchors } : {}),
    ...(sources.digestParts ? { digestParts: sources.digestParts } : {}),
  };

  return {
    report,
    async vendors() {
      return (await trust.listVendors()).map((v) => v.id);
    },
    async verify(input) {
      // The refusals the server's request readers (http/verify-request.ts) make before verifying.
      const vendor = input.vendor.trim();
      if (vendor === '') throw missingVendor();
      if (input.signature) withinSizeLimit('signature', input.signature, limits.maxSignatureBytes);
      return verifyRequest(deps, {
        vendor,
        signature: input.signature,
        artifact: input.artifact,
        ...(input.time ? { time: input.time } : {}),
      });
    },
    signerHash(signature) {
      // Read with the limits the verification reads it with, so the parse is remembered for it.
      return streamableDigest(signature, limits);
    },
  };
}
