import type { Candidate } from './candidates';
import { type CertificateInfo, readCertificate } from './certificate';
import { type Corroboration, findCorroboration } from './corroboration';
import type { PollPorts } from './ports';
import {
  derOfPem,
  type StoredCandidate,
  type StoredCandidateData,
  type StoredProvenance,
} from './stored-candidate';

/** `a` then the provenances of `b` not already in it (same feed, item and content hash). */
export function mergeProvenance(
  a: readonly StoredProvenance[],
  b: readonly StoredProvenance[],
): StoredProvenance[] {
  const out = [...a];
  for (const p of b) {
    if (
      !out.some((o) => o.feedId === p.feedId && o.itemGuid === p.itemGuid && o.contentHash === p.contentHash)
    )
      out.push(p);
  }
  return out;
}

/** Folds a candidate of this poll into what was stored: provenances accumulate, corroboration sticks. */
export function mergeCandidate(
  existing: StoredCandidateData | null,
  next: StoredCandidateData,
): StoredCandidateData {
  if (!existing) return next;
  const provenances = mergeProvenance(
    [existing.provenance, ...existing.otherProvenance],
    [next.provenance, ...next.otherProvenance],
  );
  const [provenance, ...otherProvenance] = provenances as [StoredProvenance, ...StoredProvenance[]];
  if (existing.kind === 'certificate' && next.kind === 'certificate') {
    // the self-issued certificate of the key is the candidate's own, whichever poll brought it
    const primary = !existing.selfIssued && next.selfIssued ? next : existing;
    const other = primary === next ? existing : next;
    const twins = [
      ...primary.sameKeyCertificates,
      ...other.sameKeyCertificates,
      { sha256: other.sha256, subject: other.subject, issuer: other.issuer, pem: other.pem },
    ].filter((c, i, all) => c.sha256 !== primary.sha256 && all.findIndex((o) => o.sha256 === c.sha256) === i);
    const corroboration = next.corroboration ?? existing.corroboration;
    return {
      ...primary,
      sameKeyCertificates: twins,
      announcedInText: existing.announcedInText || next.announcedInText,
      corroborated: corroboration !== null,
      corroboration,
      provenance,
      otherProvenance,
    };
  }
  return { ...existing, provenance, otherProvenance };
}

/** A candidate of one poll as stored: its provenances carry the feed URL and the item's title. */
export function storedCandidateData(
  candidate: Candidate,
  feedUrl: string,
  titleOf: (itemGuid: string) => string,
): StoredCandidateData {
  const widen = (p: Candidate['provenance']): StoredProvenance => ({
    ...p,
    feedUrl,
    itemTitle: titleOf(p.itemGuid),
  });
  return {
    ...candidate,
    provenance: widen(candidate.provenance),
    otherProvenance: candidate.otherProvenance.map(widen),
  } as StoredCandidateData;
}

async function readAll(ders: readonly Uint8Array[], subtle: SubtleCrypto): Promise<CertificateInfo[]> {
  const out: CertificateInfo[] = [];
  for (const der of ders) {
    const read = await readCertificate(der, subtle);
    if (read.ok) out.push(read.certificate);
  }
  return out;
}

const sameCorroboration = (a: Corroboration | null, b: Corroboration | null) =>
  a?.rootSha256 === b?.rootSha256 && a?.crossSignSha256 === b?.crossSignSha256;

export interface RecheckedCandidates {
  /** Every row, in order, with its corroboration as of the roots active now. */
  rows: StoredCandidate[];
  /** The rows whose corroboration differs from what they held (`updatedAt` set to `at`). */
  changed: StoredCandidate[];
}

/**
 * Checks the corroboration of stored candidates again against the roots active *now*: a root approved since
 * the poll can corroborate, one distrusted or retired since no longer does. Returns data and writes nothing;
 * whether the changes are stored is the caller's choice (the admin listing stores them, an escalation
 * only reports them).
 */
export async function recheckCorroboration(
  rows: readonly StoredCandidate[],
  roots: Pick<PollPorts, 'activeRoots'>,
  subtle: SubtleCrypto,
  at: string,
): Promise<RecheckedCandidates> {
  const activeOf = new Map<string, CertificateInfo[]>();
  const activeFor = async (vendorId: string) => {
    let active = activeOf.get(vendorId);
    if (!active) {
      active = await readAll(await roots.activeRoots(vendorId), subtle);
      activeOf.set(vendorId, active);
    }
    return active;
  };
  const out: RecheckedCandidates = { rows: [], changed: [] };
  for (const row of rows) {
    const d = row.data;
    if (d.kind !== 'certificate') {
      out.rows.push(row);
      continue;
    }
    const active = await activeFor(row.vendorId);
    const [own] = await readAll([derOfPem(d.pem)], subtle);
    const supplied = await readAll(
      d.sameKeyCertificates.map((c) => derOfPem(c.pem)),
      subtle,
    );
    const corroboration = own ? await findCorroboration(own, active, subtle, supplied) : null;
    if (sameCorroboration(corroboration, d.corroboration)) {
      out.rows.push(row);
      continue;
    }
    const updated: StoredCandidate = {
      ...row,
      data: { ...d, corroborated: corroboration !== null, corroboration },
      updatedAt: at,
    };
    out.rows.push(updated);
    out.changed.push(updated);
  }
  return out;
}
