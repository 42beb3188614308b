/** Vendors and their anchors as the domain sees them; persistence lives behind the ports in ports.ts. */

export const ANCHOR_STATES = ['pending', 'active', 'distrusted', 'retired'] as const;
export type AnchorState = (typeof ANCHOR_STATES)[number];

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
  distrustAfter: string | null;
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
  targetType: 'vendor' | 'anchor' | 'token' | 'feed' | 'escalation' | 'seed';
  targetId: string;
  vendorId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
}

export const VENDOR_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const isVendorId = (value: string): boolean => VENDOR_ID.test(value);
