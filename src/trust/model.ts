/** Vendors and their anchors as the domain sees them; persistence lives behind the ports in ports.ts. */

export const ANCHOR_STATES = ['pending', 'active', 'distrusted', 'retired'] as const;
export type AnchorState = (typeof ANCHOR_STATES)[number];

/**
 * `root`: a CA certificate that anchors the paths of the vendor's signers. `signer`: a pinned signer
 * certificate, trusted as the signer itself and for nothing else (a self-signed firmware or kernel-module
 * key that no CA vouches for; docs/pinned-signers.md). Both go through the same lifecycle.
 */
export const ANCHOR_KINDS = ['root', 'signer'] as const;
export type AnchorKind = (typeof ANCHOR_KINDS)[number];

/**
 * What missing revocation information does to a vendor's verdicts (see verify/revocation-policy.ts):
 * `best-effort` makes it a warning, `require` rejects with REVOCATION_UNAVAILABLE. Moving to `require`
 * narrows trust (one admin); moving back widens it (two admins).
 */
export const REVOCATION_POLICIES = ['best-effort', 'require'] as const;
export type VendorRevocationPolicy = (typeof REVOCATION_POLICIES)[number];

export interface Contact {
  name: string;
  /** How to reach them: email, phone, url, chat, ... */
  channel: string;
  value: string;
}

export interface Vendor {
  id: string;
  name: string;
  contacts: Contact[];
  identityRules: unknown[];
  revocationPolicy: VendorRevocationPolicy;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Anchor {
  vendorId: string;
  sha256: string;
  spkiSha256: string;
  subject: string;
  der: Uint8Array;
  notBefore: string;
  notAfter: string;
  state: AnchorState;
  /** Absent in anchors made before pinned signers existed: a root. */
  kind?: AnchorKind;
  distrustAfter: string | null;
  /**
   * Distrusted because its key is (or may be) in someone else's hands: it vouches for no signature at all,
   * whatever `distrustAfter` or a timestamp say, and nothing turns it back into a date-limited distrust.
   */
  keyCompromise: boolean;
  source: 'seed' | 'api';
  proposedBy: string | null;
  approvedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  targetType: 'vendor' | 'anchor' | 'token' | 'feed' | 'escalation' | 'seed' | 'vendor_change' | 'crl';
  targetId: string;
  vendorId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
}

/** An anchor's kind, `root` when it has none. */
export const anchorKind = (anchor: Pick<Anchor, 'kind'>): AnchorKind => anchor.kind ?? 'root';

export const VENDOR_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const isVendorId = (value: string): boolean => VENDOR_ID.test(value);

export const TOKEN_ROLES = ['admin', 'oncall', 'verifier'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** An API token as stored: the secret itself is never kept, only its SHA-256. */
export interface ApiToken {
  id: string;
  /** Unique, never reused (revoked names stay taken): the actor name in the audit log. */
  name: string;
  role: TokenRole;
  secretHash: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

/** An audit entry as read back, with its position in the append-only log. */
export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditFilter {
  vendorId?: string;
  targetId?: string;
  actor?: string;
  /** ISO 8601 bounds on `at`, inclusive. */
  since?: string;
  until?: string;
  /** Entries after this id (paging). */
  afterId?: number;
  /** Entries before this id (paging back from the newest). */
  beforeId?: number;
  /** The newest first (the console's recent entries); oldest first otherwise. */
  newestFirst?: boolean;
  limit: number;
}
