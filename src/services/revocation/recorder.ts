import type { KnownRevocation, RevocationMemory } from '../../verify';

/**
 * Remembers what the CRLs and OCSP responses that verified against a path say (see
 * verify/revocation-memory.ts). Each lesson (by its key: a CRL under one anchor, or one certificate's
 * revocation) is written once per process: the same CRL arrives with most verifications of a vendor, and
 * the write is idempotent, so a second process writing it again changes nothing.
 */
export interface RevocationRecorder {
  record(evidence: ReadonlyArray<{ key: string; revocations: KnownRevocation[] }>): Promise<void>;
}

/** CRLs remembered as written; past this the oldest are forgotten (and at worst written once more). */
const MAX_WRITTEN = 4_096;

export function createRevocationRecorder(memory: RevocationMemory): RevocationRecorder {
  const written = new Set<string>();
  return {
    async record(evidence) {
      for (const lesson of evidence) {
        if (written.has(lesson.key)) continue;
        const fresh = await unknownYet(memory, lesson.revocations);
        if (fresh.length > 0) await memory.remember(fresh);
        if (written.size >= MAX_WRITTEN) written.delete(written.values().next().value as string);
        written.add(lesson.key);
      }
    },
  };
}

/**
 * The revocations not already held with the same reason and date (from an earlier CRL): a CA's next CRL
 * lists again every revocation of the last one, and storing each once per CRL would grow the memory by a
 * whole CRL a day for nothing it does not already know.
 */
async function unknownYet(
  memory: RevocationMemory,
  revocations: KnownRevocation[],
): Promise<KnownRevocation[]> {
  if (revocations.length === 0) return [];
  const statement = (r: KnownRevocation) =>
    `${r.serial}@${r.issuer}|${r.reasonCode ?? ''}|${r.revocationDate.getTime()}`;
  const known = new Set((await memory.find(revocations)).map(statement));
  return revocations.filter((r) => !known.has(statement(r)));
}
