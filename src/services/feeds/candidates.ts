import {
  type AdvisoryRepository,
  type CandidateRepository,
  type PollPorts,
  recheckCorroboration,
  type StoredCandidate,
} from '../../advisories';
import { type Anchor, anchorKind, type TrustRepository } from '../../trust';

/** The vendor's active roots (DER), read from the trust store: what corroboration is checked against. */
export const activeRootsOf = (trust: Pick<TrustRepository, 'listAnchors'>): PollPorts['activeRoots'] => {
  return async (vendorId) =>
    (await trust.listAnchors(vendorId))
      // A pinned signer vouches for its own signatures only: it corroborates no candidate root.
      .filter((a) => a.state === 'active' && anchorKind(a) === 'root')
      .map((a) => a.der);
};

export type CandidateWithRoot = StoredCandidate & { root: { sha256: string; state: Anchor['state'] } | null };

/** The vendor's root of the same certificate or key as the candidate, if one is on file. */
function rootOf(row: StoredCandidate, anchors: readonly Anchor[]): Anchor | undefined {
  const d = row.data;
  anchors = anchors.filter((a) => anchorKind(a) === 'root');
  return d.kind === 'certificate'
    ? (anchors.find((a) => a.sha256 === d.sha256) ?? anchors.find((a) => a.spkiSha256 === d.spkiSha256))
    : anchors.find((a) => a.sha256 === d.hex || a.spkiSha256 === d.hex);
}

/** What the admin reads of the feed tables: candidates (with their root, if any) and advisory items. */
export function createFeedFindings(deps: {
  candidates: CandidateRepository;
  advisories: Pick<AdvisoryRepository, 'list'>;
  trust: Pick<TrustRepository, 'listAnchors'>;
  subtle: SubtleCrypto;
  now: () => Date;
}) {
  const activeRoots = activeRootsOf(deps.trust);

  /**
   * Candidates with the state of the vendor's root of the same certificate or key, if one is on file.
   * Corroboration is checked again against the roots active *now* (a root approved since the poll can
   * corroborate, a root distrusted or retired since no longer does); a change is stored.
   */
  async function listCandidates(filter: { vendorId?: string } = {}): Promise<CandidateWithRoot[]> {
    const rechecked = await recheckCorroboration(
      await deps.candidates.list(filter),
      { activeRoots },
      deps.subtle,
      deps.now().toISOString(),
    );
    for (const row of rechecked.changed) await deps.candidates.put(row);
    const anchorsOf = new Map<string, Anchor[]>();
    const out: CandidateWithRoot[] = [];
    for (const row of rechecked.rows) {
      let anchors = anchorsOf.get(row.vendorId);
      if (!anchors) {
        anchors = await deps.trust.listAnchors(row.vendorId);
        anchorsOf.set(row.vendorId, anchors);
      }
      const root = rootOf(row, anchors);
      out.push({ ...row, root: root ? { sha256: root.sha256, state: root.state } : null });
    }
    return out;
  }

  return {
    listCandidates,
    listAdvisories: (filter: { vendorId?: string; feedId?: string; limit?: number }) =>
      deps.advisories.list(filter),
  };
}
