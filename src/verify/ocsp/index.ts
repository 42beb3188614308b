/**
 * OCSP (RFC 6960) as a pure verifier: the request for a certificate, the responder URLs its AIA names, and
 * the status that responses (carried in a CMS per RFC 5940, or fetched) establish. No I/O: fetching is the
 * platform's (services/revocation/ocsp-fetcher.ts).
 */
export { type CertId, certIdFor, OID_SHA1, OID_SHA256 } from './cert-id';
export { MAX_NONCE_BYTES, OID_OCSP_NONCE, ocspRequestFor } from './request';
export { MAX_RESPONDER_URLS, ocspResponderUrls } from './responder-urls';
export {
  type BasicOcspResponse,
  type CertStatus,
  OCSP_LIMITS,
  type OcspResponseRead,
  OID_PKIX_OCSP_BASIC,
  type ResponderId,
  readOcspResponse,
  type SingleResponse,
} from './response';
export { OCSP_STATUS_DEFAULTS, type OcspStatus, type OcspStatusInput, ocspStatus } from './status';
