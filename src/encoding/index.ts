/**
 * Bytes, hex, base64, fingerprints and the Retry-After header: the small helpers every layer needs,
 * pure domain included (no Node, Workers or framework APIs). Hand-written where a library would save
 * a few lines at the price of a dependency, or could not meet the rules written in each file.
 */
export {
  type Base64Options,
  base64ToBytes,
  base64ToBytesSliced,
  bytesToBase64,
  bytesToBase64Url,
} from './base64';
export { bytesEqual, concatBytes } from './bytes';
export { sha1Hex, sha256Hex } from './digest';
export { equalSecrets } from './equal-secrets';
export { normalizeHexFingerprint, normalizeSha256, stripFingerprint } from './fingerprint';
export { hexToBytes, toHex } from './hex';
export { parseRetryAfter } from './retry-after';
