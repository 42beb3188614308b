import type { Anchor } from './model';

export interface SeedVendor {
  id: string;
  /** The raw text of vendor.json, or null when the folder has none. */
  vendorJson: string | null;
  /** Certificates found in the folder's PEM files, with the file each came from. */
  certificates: Array<{ file: string; der: Uint8Array }>;
  /**
   * Pinned signer certificates found in the folder's `signers/` PEM files (file: `signers/<name>`); absent
   * when there are none.
   */
  signers?: Array<{ file: string; der: Uint8Array }>;
}

export interface SeedReport {
  vendorsCreated: string[];
  anchorsAdded: Array<{ vendorId: string; sha256: string; state: Anchor['state'] }>;
  /** Seed roots that the database holds in another state: left as they are and audited. */
  conflicts: Array<{ vendorId: string; sha256: string; state: Anchor['state'] }>;
  skipped: Array<{ vendorId: string; file: string; why: string }>;
  /** Vendor fields that vendor.json sets differently from the store (the store keeps its own). */
  vendorConflicts: Array<{
    vendorId: string;
    field: 'name' | 'contacts' | 'identityRules' | 'revocationPolicy';
  }>;
  /**
   * Stored roots the seed distrusted (or distrusted from an earlier date, or for key compromise): the safe
   * direction is applied.
   */
  distrusted: Array<{ vendorId: string; sha256: string; after: string; keyCompromise: boolean }>;
  /** Stored vendors the seed moved from best-effort to `require` (the safe direction). */
  revocationRequired: string[];
  feeds: Array<{ vendorId: string; url: string }>;
}
