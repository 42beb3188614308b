import { MAX_STORED_CRLS_PER_ISSUER } from '../verify';
import type { CrlState, RetirableCrl } from './crl-retirement';
import type { AuditEntry } from './model';

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
