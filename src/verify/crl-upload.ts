import { type ParsedCrl, parseCrl } from './path/crl';
import { decodePemBlocks, looksLikePem } from './pem';

/**
 * CRLs an admin uploads for a vendor: one DER CRL, or PEM text with one or more `X509 CRL` blocks. Only
 * read here (strictly, within limits); their signatures are checked where they are used, against the
 * certificates of the path they speak about (verify/path/revocation.ts).
 */

export interface CrlUploadLimits {
  maxBytes: number;
  maxCrls: number;
}

export const DEFAULT_CRL_UPLOAD_LIMITS: CrlUploadLimits = { maxBytes: 4 * 1024 * 1024, maxCrls: 16 };

export interface UploadedCrl {
  der: Uint8Array;
  sha256Hex: string;
  /** Display form of the issuer name. */
  issuer: string;
  /**
   * Canonical form of the issuer name (`X500Name.canonical`): equal to `ParsedCertificate.issuerCanonical`
   * of the certificates the CRL speaks about, so stored CRLs can be looked up by a path's issuers.
   */
  issuerKey: string;
  /** CRLNumber as hex of the DER INTEGER's content (a usable CRL always has one). */
  crlNumber: string;
  /** For a delta CRL, the BaseCRLNumber it completes (hex); null for a full CRL. */
  deltaOf: string | null;
  /** How many revokedCertificates entries it lists. */
  entries: number;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export type CrlUploadResult =
  | { ok: true; crls: UploadedCrl[] }
  | { ok: false; code: 'PAYLOAD_TOO_LARGE' | 'INVALID_CRL'; detail: string };

export function readUploadedCrls(
  body: Uint8Array,
  now: Date,
  limits: CrlUploadLimits = DEFAULT_CRL_UPLOAD_LIMITS,
): CrlUploadResult {
  if (body.byteLength === 0) return { ok: false, code: 'INVALID_CRL', detail: 'the body is empty' };
  if (body.byteLength > limits.maxBytes) {
    return { ok: false, code: 'PAYLOAD_TOO_LARGE', detail: `the body is over ${limits.maxBytes} bytes` };
  }
  let ders: Uint8Array[];
  if (looksLikePem(body)) {
    const blocks = decodePemBlocks(new TextDecoder().decode(body));
    ders = blocks.filter((b) => b.label === 'X509 CRL').map((b) => b.der);
    if (ders.length === 0 || ders.length !== blocks.length) {
      return { ok: false, code: 'INVALID_CRL', detail: 'the PEM text must hold X509 CRL blocks only' };
    }
  } else {
    ders = [body];
  }
  if (ders.length > limits.maxCrls) {
    return { ok: false, code: 'INVALID_CRL', detail: `at most ${limits.maxCrls} CRLs per upload` };
  }
  const crls: UploadedCrl[] = [];
  for (const [i, der] of ders.entries()) {
    const parsed = parseCrl(der);
    if (!parsed)
      return { ok: false, code: 'INVALID_CRL', detail: `CRL ${i + 1} is not a DER CertificateList` };
    if (parsed.unusable)
      return { ok: false, code: 'INVALID_CRL', detail: `CRL ${i + 1}: ${parsed.unusable}` };
    if (parsed.thisUpdate.getTime() > now.getTime() + 5 * 60_000) {
      return { ok: false, code: 'INVALID_CRL', detail: `CRL ${i + 1} is dated in the future` };
    }
    crls.push(describeCrl(der, parsed));
  }
  return { ok: true, crls };
}

/** What the store keeps besides the DER of one usable CRL. */
function describeCrl(der: Uint8Array, parsed: ParsedCrl): UploadedCrl {
  return {
    der,
    sha256Hex: parsed.sha256Hex,
    issuer: parsed.issuerName.display,
    issuerKey: parsed.issuerName.canonical,
    // parseCrl marks a CRL without a CRLNumber unusable, so a usable one always has it.
    crlNumber: parsed.crlNumber ?? '',
    deltaOf: parsed.baseCrlNumber,
    entries: parsed.revoked.size,
    thisUpdate: parsed.thisUpdate,
    nextUpdate: parsed.nextUpdate,
  };
}

/** A stored CRL described again from its DER (rows stored before these fields existed), or null. */
export function describeStoredCrl(der: Uint8Array): UploadedCrl | null {
  const parsed = parseCrl(der);
  return parsed && !parsed.unusable ? describeCrl(der, parsed) : null;
}
