export { looksLikeCab } from './cab';
export { type DigestParts, nobleDigestParts } from './image-hash';
export { looksLikePe } from './pe';
export {
  type AuthenticodeLimits,
  DEFAULT_AUTHENTICODE_LIMITS,
  type VerifyAuthenticodeRequest,
  verifyAuthenticode,
} from './verify-authenticode';
export { verifyCabinet } from './verify-cab';
