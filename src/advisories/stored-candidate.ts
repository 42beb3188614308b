import { base64ToBytes } from '../encoding';
import type { Candidate, Provenance } from './candidates';

/** A provenance as stored: the domain's plus what a reader needs without joining (feed URL, item title). */
export interface StoredProvenance extends Provenance {
  feedUrl: string;
  itemTitle: string;
}

/** A candidate as stored: the domain's candidate, its provenances widened. Never an anchor. */
export type StoredCandidateData = Candidate & {
  provenance: StoredProvenance;
  otherProvenance: StoredProvenance[];
};

export interface StoredCandidate {
  vendorId: string;
  /** The certificate SHA-256 for a certificate candidate; `<algorithm>:<hex>` for a fingerprint hint. */
  key: string;
  data: StoredCandidateData;
  createdAt: string;
  updatedAt: string;
}

/** The candidate store's port: db/ implements it. */
export interface CandidateRepository {
  list(filter?: { vendorId?: string }): Promise<StoredCandidate[]>;
  get(vendorId: string, key: string): Promise<StoredCandidate | null>;
  /** The certificate candidate of a vendor for one key (SPKI SHA-256), if any. */
  findByKey(vendorId: string, spkiSha256: string): Promise<StoredCandidate | null>;
  /** Inserts or replaces; `previousKey` removes the row it replaces when the key changed. */
  put(candidate: StoredCandidate, previousKey?: string): Promise<void>;
}

export const candidateKey = (c: Candidate): string =>
  c.kind === 'certificate' ? c.sha256 : `${c.algorithm}:${c.hex}`;

export const derOfPem = (pem: string): Uint8Array => {
  const der = base64ToBytes(pem.replace(/-----[A-Z ]+-----|\s+/g, ''));
  // Stored candidates' PEM was written by this service: unreadable base64 is a damaged row, a fault.
  if (!der) throw new Error('a stored candidate certificate is not base64');
  return der;
};
