/**
 * Synchronous SHA-1 and SHA-256 (FIPS 180-4) from @noble/hashes (audited, no dependencies, no runtime
 * APIs, so it runs on Node and Workers alike). WebCrypto only digests asynchronously, and these hashes sit
 * inside synchronous parsers: `parseCertificate` and `parseCrl` fingerprint what they read, OCSP CertIDs
 * and responder key hashes are computed while matching a response. Signature digests never go through
 * here: they use WebCrypto in `verifySignature`.
 *
 * SHA-1 is an identifier only (RFC 6960 names certificates by SHA-1 hashes and responders expect them),
 * never a signature digest (`verifySignature` refuses SHA-1).
 */
export { sha1 } from '@noble/hashes/legacy.js';
export { sha256 } from '@noble/hashes/sha2.js';
