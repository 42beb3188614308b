/** The verification core: envelopes, signatures, path building and validation, verdicts. Pure. */
export {
  type AuthenticodeLimits,
  DEFAULT_AUTHENTICODE_LIMITS,
  type DigestParts,
  looksLikeCab,
  looksLikePe,
  nobleDigestParts,
  type VerifyAuthenticodeRequest,
  verifyAuthenticode,
  verifyCabinet,
} from './authenticode';
export { isParseError, type ParsedCertificate, parseCertificate } from './certificate';
export { OID_SPC_INDIRECT_DATA } from './cms-envelope';
export {
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  looksLikeZip,
  type VerifyJarRequest,
  type VerifyJarResult,
  verifyJar,
} from './jar';
export { type AnchorChecks, anchorCertificateReasons, type PathAnchor } from './path';
export { MAX_STORED_CRLS_PER_ISSUER } from './path-revocation';
export { decodePemBlocks, encodePem } from './pem';
export { pinnedSignerDefects } from './pinned-signer';
export { INTEGRITY_REASONS, REASON_CODES, type Reason, type ReasonCode } from './reasons';
export type { KnownRevocation, RevocationMemory } from './revocation-memory';
export { DEFAULT_REVOCATION_POLICY, type RevocationPolicy } from './revocation-policy';
export type { HashName } from './signature';
export { signedContentType } from './signed-content-type';
export { streamableDigest } from './streamable-digest';
export {
  type ArtifactInput,
  type CertificateSummary,
  CODE_SIGNING_EKU,
  DEFAULT_VERIFY_LIMITS,
  type DigestBytes,
  type SignatureSummary,
  summarize,
  type Verdict,
  type VerifyLimits,
  type VerifyOutcome,
  type VerifyRequest,
  type VerifyResult,
  verifyPackage,
  webCryptoDigest,
} from './verify-package';
