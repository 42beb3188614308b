import { parseCrl } from './path/crl';
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
    crls.push({
      der,
      sha256Hex: parsed.sha256Hex,
      issuer: parsed.issuerName.display,
      thisUpdate: parsed.thisUpdate,
      nextUpdate: parsed.nextUpdate,
    });
  }
  return { ok: true, crls };
}

/** Issuer and dates of one DER CRL, or null when it is not a usable CertificateList. */
export function parseCrlInfo(
  der: Uint8Array,
): { issuer: string; thisUpdate: Date; nextUpdate: Date | null } | null {
  const parsed = parseCrl(der);
  if (!parsed || parsed.unusable) return null;
  return { issuer: parsed.issuerName.display, thisUpdate: parsed.thisUpdate, nextUpdate: parsed.nextUpdate };
}
