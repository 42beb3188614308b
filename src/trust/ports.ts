import type { Anchor, ApiToken, AuditEntry, AuditFilter, AuditRecord, Vendor } from './model';
import type { VendorChange } from './vendor-changes';

/** What the trust domain needs from storage; src/db implements it for libSQL and D1 alike. */
export interface TrustRepository {
  getVendor(id: string): Promise<Vendor | null>;
  listVendors(): Promise<Vendor[]>;
  insertVendor(vendor: Vendor): Promise<void>;
  /** Writes the vendor if its stored version is still `expectedVersion`; false when it moved on. */
  updateVendor(vendor: Vendor, expectedVersion: number): Promise<boolean>;
  listAnchors(vendorId: string): Promise<Anchor[]>;
  getAnchor(vendorId: string, sha256: string): Promise<Anchor | null>;
  findAnchorsBySha256(sha256: string): Promise<Anchor[]>;
  insertAnchor(anchor: Anchor): Promise<void>;
  updateAnchor(anchor: Anchor, expectedVersion: number): Promise<boolean>;
  /** insertVendor and appendAudit in one transaction: both are written or neither (throws when the id is taken). */
  insertVendorAudited(vendor: Vendor, entry: AuditEntry): Promise<void>;
  /** insertAnchor and appendAudit in one transaction: both are written or neither (throws when it exists). */
  insertAnchorAudited(anchor: Anchor, entry: AuditEntry): Promise<void>;
  /** updateVendor and appendAudit in one transaction: both are written or neither. */
  updateVendorAudited(vendor: Vendor, expectedVersion: number, entry: AuditEntry): Promise<boolean>;
  /** updateAnchor and appendAudit in one transaction: both are written or neither. */
  updateAnchorAudited(anchor: Anchor, expectedVersion: number, entry: AuditEntry): Promise<boolean>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** A proposed vendor change and its audit entry, in one transaction. */
  insertVendorChangeAudited(change: VendorChange, entry: AuditEntry): Promise<void>;
  getVendorChange(vendorId: string, id: string): Promise<VendorChange | null>;
  /** Newest first. */
  listVendorChanges(vendorId: string): Promise<VendorChange[]>;
  /**
   * In one transaction: writes `vendor` if the stored vendor is still at `change.baseVersion` and the
   * stored change is still pending, marks the change as `change` says (approved), and audits. False when
   * either moved on (nothing written).
   */
  approveVendorChangeAudited(change: VendorChange, vendor: Vendor, entry: AuditEntry): Promise<boolean>;
  /** Writes `change` (withdrawn) if the stored one is still pending, and audits; false when it was not. */
  withdrawVendorChangeAudited(change: VendorChange, entry: AuditEntry): Promise<boolean>;
  /** Moved by the repository in the same transaction as every write of a vendor or an anchor. */
  storeVersion(): Promise<number>;
  bumpStoreVersion(): Promise<number>;
}

/** API tokens by the hash of their secret. */
export interface TokenRepository {
  findBySecretHash(secretHash: string): Promise<ApiToken | null>;
  get(id: string): Promise<ApiToken | null>;
  getByName(name: string): Promise<ApiToken | null>;
  list(): Promise<ApiToken[]>;
  insert(token: ApiToken): Promise<void>;
  /** Sets revokedAt if the token is not revoked yet; false when it already was (or does not exist). */
  revoke(id: string, at: string): Promise<boolean>;
  /** insert and its audit entry in one transaction (throws when the name is taken). */
  insertAudited(token: ApiToken, entry: AuditEntry): Promise<void>;
  /** revoke and its audit entry in one transaction: the entry only when this call revoked it. */
  revokeAudited(id: string, at: string, entry: AuditEntry): Promise<boolean>;
}

/** Reads the append-only audit log (it is written through TrustRepository.appendAudit; nothing edits it). */
export interface AuditReader {
  list(filter: AuditFilter): Promise<AuditRecord[]>;
}

/**
 * A console sign-in (issue 18). The cookie carries a random value; only its SHA-256 is stored. The token
 * it was opened with is named by that token's secret hash, so the session is re-checked against the token
 * (revoked, or the bootstrap token changed) on every request.
 */
export interface ConsoleSession {
  idHash: string;
  tokenSecretHash: string;
  /** The synchronizer token every console form must send back. */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface SessionRepository {
  insert(session: ConsoleSession): Promise<void>;
  get(idHash: string): Promise<ConsoleSession | null>;
  delete(idHash: string): Promise<void>;
  /** Drops the sessions that expired at or before `at`; answers how many. */
  deleteExpired(at: string): Promise<number>;
}
