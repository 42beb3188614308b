/**
 * Revocation sources beside the verification core: CRL distribution points and OCSP responders fetched
 * under the feeds' address rules and size/time limits, the CRLs admins upload, and the memory of every
 * revocation once seen (see docs/revocation.md).
 */
export { type CrlFetcherOptions, createCrlFetcher } from './crl-fetcher';
export { crlNumberDecimal, type StoredCrls, storedCrlsOf, uploadCrls } from './crls';
export { createOcspFetcher, type OcspFetcherOptions } from './ocsp-fetcher';
export { createRevocationRecorder, type RevocationRecorder } from './recorder';
