import { TrustgateError } from '../errors';
import type { AuditEntry, TrustRepository } from '../trust';
import type { ApprovalLineage } from '../trust/approvals';
import {
  approveCrlRetirement,
  type CrlRetirementDecision,
  type CrlState,
  proposeCrlRetirement,
  type RetirableCrl,
  withdrawCrlRetirement,
} from '../trust/crl-retirement';
import { MAX_STORED_CRLS_PER_ISSUER } from '../verify';
import { readUploadedCrls } from '../verify/crl-upload';

/**
 * A vendor's CRLs as stored (table `crls`): uploaded by an admin, or fetched from a distribution point.
 *
 * Which uploads are accepted: any well-formed, usable CRL an admin sends for a vendor, whoever its issuer.
 * Only the vendor's roots are stored, not its intermediate CAs, so the issuer of a CA's CRL (the usual
 * case: the signing CA revokes signers) cannot be matched against anything at upload time. Accepting is
 * safe: a stored CRL is consulted only for the issuers of a validated path, and only after its signature
 * checked against that path's certificates, so a CRL of a foreign or made-up issuer is never used. Uploads
 * are an admin's act, audited, and bounded per request (16 CRLs, 4 MiB).
 */
export interface CrlSummary extends RetirableCrl {
  /** `${vendorId}:${sha256}`: two vendors may hold the same CRL. */
  id: string;
  vendorId: string;
  sha256: string;
  /** Display form of the issuer name. */
  issuer: string;
  /** Canonical issuer name (`X500Name.canonical`); null on rows stored before it was kept, until filled in. */
  issuerKey: string | null;
  /** CRLNumber (hex); null on rows not yet filled in. */
  crlNumber: string | null;
  /** BaseCRLNumber (hex) of a delta CRL; null for a full CRL. */
  deltaOf: string | null;
  thisUpdate: string;
  nextUpdate: string | null;
  /** Entries listed; null on rows not yet filled in. */
  entries: number | null;
  source: 'upload' | 'fetch';
  uploadedBy: string | null;
  createdAt: string;
  state: CrlState;
}

export interface CrlRecord extends CrlSummary {
  der: Uint8Array;
}

export interface CrlRepository {
  has(vendorId: string, id: string): Promise<boolean>;
  /** Stores the CRL and its audit entry in one transaction; false (and no entry) when it is already held. */
  insertAudited(record: CrlRecord, entry: AuditEntry): Promise<boolean>;
  get(vendorId: string, id: string): Promise<CrlSummary | null>;
  /** A vendor's CRLs in every state, newest upload first, at most `limit`. */
  list(vendorId: string, limit: number): Promise<CrlSummary[]>;
  /**
   * The DER of the vendor's active CRLs issued by one of `issuers` (canonical names), newest first by
   * thisUpdate, at most MAX_CRLS_PER_ISSUER times the number of issuers: an issuer whose CRLs push
   * another's out has more than a verification reads, and the verification fails closed.
   */
  listForIssuers(vendorId: string, issuers: readonly string[]): Promise<Uint8Array[]>;
  /** Writes the retirement fields and state of `next` if the row is still at `expectedVersion`, audited. */
  updateRetirementAudited(next: CrlSummary, expectedVersion: number, entry: AuditEntry): Promise<boolean>;
}

/**
 * How many CRLs of one issuer the store answers (the newest by thisUpdate): one more than a verification
 * accepts, so that it can tell when there are too many and fail closed instead of letting old or junk
 * uploads crowd out the CRL that revokes (verify/path-revocation.ts).
 */
export const MAX_CRLS_PER_ISSUER = MAX_STORED_CRLS_PER_ISSUER + 1;

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
      (await deps.crls.insertAudited(record, {
        at: record.createdAt,
        actor,
        action: 'crl.upload',
        targetType: 'crl',
        targetId: record.sha256,
        vendorId: vendor.id,
        reason: `CRL of ${crl.issuer}`,
        before: null,
        after: {
          ...crlAuditState(record),
          entries: record.entries,
          deltaOf: crlNumberDecimal(record.deltaOf),
        },
      }));
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

export interface CrlAdminDeps {
  trust: TrustRepository;
  crls: CrlRepository;
  now: () => Date;
  /** Who made whose token (trust/approvals.ts), for the second admin's independence. */
  lineage: (proposer: string, approver: string) => Promise<ApprovalLineage>;
}

export type CrlRetirementStep = 'propose' | 'approve' | 'withdraw';

async function loadCrl(deps: CrlAdminDeps, vendorId: string, sha256: string): Promise<CrlSummary> {
  if (!(await deps.trust.getVendor(vendorId)))
    throw new TrustgateError('NOT_FOUND', `no vendor '${vendorId}'`);
  const crl = await deps.crls.get(vendorId, `${vendorId}:${sha256}`);
  if (!crl) throw new TrustgateError('NOT_FOUND', `no CRL ${sha256} for vendor '${vendorId}'`);
  return crl;
}

/**
 * One step of a CRL's retirement by `actor` (propose, approve by an independent admin, or withdraw),
 * written with its audit entry; the CRL as it is afterwards.
 */
export async function retireCrlStep(
  deps: CrlAdminDeps,
  step: CrlRetirementStep,
  input: { vendorId: string; sha256: string; actor: string; reason: string },
): Promise<CrlSummary> {
  const current = await loadCrl(deps, input.vendorId, input.sha256);
  const now = deps.now();
  let decision: CrlRetirementDecision<CrlSummary>;
  if (step === 'propose') decision = proposeCrlRetirement(current, input.actor, input.reason, now);
  else if (step === 'withdraw') decision = withdrawCrlRetirement(current);
  else {
    // Token lineage matters only when there is a proposal to approve.
    const lineage = current.retirement
      ? await deps.lineage(current.retirement.proposedBy, input.actor)
      : { proposer: [], approver: [] };
    decision = approveCrlRetirement(current, input.actor, now, lineage);
  }
  if (!decision.ok) throw new TrustgateError(decision.code, decision.detail);
  const next = decision.crl;
  const written = await deps.crls.updateRetirementAudited(next, current.version, {
    at: now.toISOString(),
    actor: input.actor,
    action: `crl.retire.${step}`,
    targetType: 'crl',
    targetId: current.sha256,
    vendorId: current.vendorId,
    reason: input.reason,
    before: crlAuditState(current),
    after: crlAuditState(next),
  });
  if (!written)
    throw new TrustgateError('INVALID_STATE', 'the CRL changed while this request ran; read it again');
  return next;
}
