import { TrustgateError } from '../errors';
import type { TrustRepository } from '../trust';
import { readUploadedCrls } from '../verify/crl-upload';

/** A vendor's CRLs as stored (table `crls`): uploaded by an admin, or fetched from a distribution point. */
export interface CrlRecord {
  /** SHA-256 of the DER, hex, prefixed by the vendor so that two vendors may hold the same CRL. */
  id: string;
  vendorId: string;
  issuer: string;
  der: Uint8Array;
  thisUpdate: string;
  nextUpdate: string | null;
  source: 'upload' | 'fetch';
  createdAt: string;
}

export interface CrlRepository {
  has(vendorId: string, id: string): Promise<boolean>;
  /** False when the same CRL (same id) is already stored. */
  insert(record: CrlRecord): Promise<boolean>;
  /** The newest CRLs of a vendor (by thisUpdate), at most `limit`. */
  listDer(vendorId: string, limit: number): Promise<Uint8Array[]>;
}

/** How many stored CRLs of a vendor a verification reads (the newest first). */
export const MAX_CRLS_PER_VERIFICATION = 32;

export interface CrlUploadDeps {
  trust: TrustRepository;
  crls: CrlRepository;
  now: () => Date;
}

export interface CrlUploadResponse {
  vendor: string;
  crls: Array<{
    sha256: string;
    issuer: string;
    thisUpdate: string;
    nextUpdate: string | null;
    stored: boolean;
  }>;
}

/** Stores the CRLs of an upload for a vendor (an admin's act, audited); a CRL already held is not stored twice. */
export async function uploadCrls(
  deps: CrlUploadDeps,
  vendorId: string,
  body: Uint8Array,
  actor: string,
): Promise<CrlUploadResponse> {
  const vendor = await deps.trust.getVendor(vendorId);
  if (!vendor) throw new TrustgateError('NOT_FOUND', `no vendor '${vendorId}'`);
  const now = deps.now();
  const read = readUploadedCrls(body, now);
  if (!read.ok) throw new TrustgateError(read.code, read.detail);
  const out: CrlUploadResponse['crls'] = [];
  for (const crl of read.crls) {
    const id = `${vendor.id}:${crl.sha256Hex}`;
    const record: CrlRecord = {
      id,
      vendorId: vendor.id,
      issuer: crl.issuer,
      der: crl.der,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString() ?? null,
      source: 'upload',
      createdAt: now.toISOString(),
    };
    const stored = !(await deps.crls.has(vendor.id, id)) && (await deps.crls.insert(record));
    if (stored) {
      await deps.trust.appendAudit({
        at: now.toISOString(),
        actor,
        action: 'crl.upload',
        targetType: 'vendor',
        targetId: vendor.id,
        vendorId: vendor.id,
        reason: `CRL of ${crl.issuer}`,
        before: null,
        after: {
          sha256: crl.sha256Hex,
          issuer: crl.issuer,
          thisUpdate: record.thisUpdate,
          nextUpdate: record.nextUpdate,
        },
      });
    }
    out.push({
      sha256: crl.sha256Hex,
      issuer: crl.issuer,
      thisUpdate: record.thisUpdate,
      nextUpdate: record.nextUpdate,
      stored,
    });
  }
  return { vendor: vendor.id, crls: out };
}
