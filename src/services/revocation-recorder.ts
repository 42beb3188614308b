import type { KnownRevocation, RevocationMemory } from '../verify';

/**
 * Remembers what the CRLs that verified against a path say (see verify/revocation-memory.ts). A CRL is
 * written once per process: the same CRL arrives with most verifications of a vendor, and its entries
 * are already held (the write is idempotent, so a second process writing it again changes nothing).
 */
export interface RevocationRecorder {
  record(evidence: ReadonlyArray<{ sha256Hex: string; revocations: KnownRevocation[] }>): Promise<void>;
}

/** CRLs remembered as written; past this the oldest are forgotten (and at worst written once more). */
const MAX_WRITTEN = 4_096;

export function createRevocationRecorder(memory: Pick<RevocationMemory, 'remember'>): RevocationRecorder {
  const written = new Set<string>();
  return {
    async record(evidence) {
      for (const crl of evidence) {
        if (written.has(crl.sha256Hex)) continue;
        if (crl.revocations.length > 0) await memory.remember(crl.revocations);
        if (written.size >= MAX_WRITTEN) written.delete(written.values().next().value as string);
        written.add(crl.sha256Hex);
      }
    },
  };
}
