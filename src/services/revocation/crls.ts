import { TrustgateError } from '../../errors';
import {
  auditEntry,
  type CrlRecord,
  type CrlRepository,
  type CrlSummary,
  type TrustRepository,
} from '../../trust';
import { readUploadedCrls } from '../../verify/crl-upload';

/**
 * The stored CRLs a verification consults for a vendor, given the canonical issuer names of a validated
 * path (`ParsedCertificate.issuerCanonical` of its certificates).
 */
export type StoredCrls = (vendorId: string, issuers: readonly string[]) => Promise<Uint8Array[]>;

export const storedCrlsOf =
  (repository: CrlRepository): StoredCrls =>
  (vendorId, issuers) =>
    repository.listForIssuers(vendorId, issuers);

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
    crlNumber: string;
    deltaOf: string | null;
    entries: number;
    thisUpdate: string;
    nextUpdate: string | null;
    stored: boolean;
  }>;
}

/** A CRLNumber for people: decimal (hex in the store, as the DER INTEGER's content). */
export const crlNumberDecimal = (hex: string | null): string | null =>
  hex === null || hex === '' ? null : BigInt(`0x${hex}`).toString();

/** The fields of a CRL the audit log records. */
export const crlAuditState = (crl: CrlSummary) => ({
  sha256: crl.sha256,
  issuer: crl.issuer,
  crlNumber: crlNumberDecimal(crl.crlNumber),
  thisUpdate: crl.thisUpdate,
  nextUpdate: crl.nextUpdate,
  state: crl.state,
  retirement: crl.retirement,
});

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
    const record: CrlRecord = {
      id: `${vendor.id}:${crl.sha256Hex}`,
      vendorId: vendor.id,
      sha256: crl.sha256Hex,
      issuer: crl.issuer,
      issuerKey: crl.issuerKey,
      der: crl.der,
      crlNumber: crl.crlNumber,
      deltaOf: crl.deltaOf,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString() ?? null,
      entries: crl.entries,
      source: 'upload',
      uploadedBy: actor,
      createdAt: now.toISOString(),
      state: 'active',
      retirement: null,
      version: 1,
    };
    const stored =
      !(await deps.crls.has(vendor.id, record.id)) &&
      (await deps.crls.insertAudited(
        record,
        auditEntry(
          'crl.upload',
          { type: 'crl', id: record.sha256, vendorId: vendor.id },
          { actor, at: record.createdAt, reason: `CRL of ${crl.issuer}` },
          {
            before: null,
            after: {
              ...crlAuditState(record),
              entries: record.entries,
              deltaOf: crlNumberDecimal(record.deltaOf),
            },
          },
        ),
      ));
    out.push({
      sha256: record.sha256,
      issuer: record.issuer,
      crlNumber: crlNumberDecimal(record.crlNumber) ?? '',
      deltaOf: crlNumberDecimal(record.deltaOf),
      entries: crl.entries,
      thisUpdate: record.thisUpdate,
      nextUpdate: record.nextUpdate,
      stored,
    });
  }
  return { vendor: vendor.id, crls: out };
}
