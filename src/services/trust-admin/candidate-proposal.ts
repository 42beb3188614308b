import type { CandidateRepository, StoredCandidate } from '../../advisories';
import { normalizeSha256 } from '../../encoding';
import { TrustgateError } from '../../errors';
import { type Anchor, anchorKind } from '../../trust';
import type { Principal } from '../../trust/tokens';
import { proposeRoot } from './roots';
import { loadVendor, type TrustAdminDeps } from './shared';

/** A candidate named by its id (the certificate SHA-256, colons allowed), and its vendor when several have it. */
export interface CandidateRef {
  id: string;
  vendor?: string | undefined;
}

/** What proposing a candidate needs besides the trust admin's ports: the candidate store (read only). */
export interface CandidateProposalDeps extends TrustAdminDeps {
  candidates?: Pick<CandidateRepository, 'list' | 'get'> | undefined;
}

/**
 * The certificate candidate `ref` names. A fingerprint hint's id (`sha256:<hex>`, `sha1:<hex>`) is found
 * too, so that proposing it is refused for what it is (no certificate) rather than as unknown.
 */
async function findCandidate(deps: CandidateProposalDeps, ref: CandidateRef): Promise<StoredCandidate> {
  if (!deps.candidates) throw new TrustgateError('NOT_FOUND', 'this deployment keeps no candidates');
  const raw = ref.id.trim().toLowerCase();
  const key = normalizeSha256(raw) ?? raw;
  if (ref.vendor) {
    await loadVendor(deps, ref.vendor);
    const found = await deps.candidates.get(ref.vendor, key);
    if (!found) throw new TrustgateError('NOT_FOUND', `no candidate ${key} for vendor '${ref.vendor}'`);
    return found;
  }
  const found = (await deps.candidates.list()).filter((c) => c.key === key);
  if (found.length === 0) throw new TrustgateError('NOT_FOUND', `no candidate ${key}`);
  if (found.length > 1) {
    throw new TrustgateError(
      'ROOT_AMBIGUOUS',
      `candidate ${key} was announced for ${found.map((c) => c.vendorId).join(', ')}; add ?vendor=<id>`,
    );
  }
  return found[0] as StoredCandidate;
}

/** The vendor's anchor of the candidate's certificate or key (any state, root or pinned signer), if any. */
function anchorOf(candidate: StoredCandidate, anchors: readonly Anchor[]): Anchor | undefined {
  const d = candidate.data;
  if (d.kind !== 'certificate') return undefined;
  return anchors.find((a) => a.sha256 === d.sha256) ?? anchors.find((a) => a.spkiSha256 === d.spkiSha256);
}

/**
 * Proposes a candidate root (announced by a feed, never trusted by itself) as a pending root of its
 * vendor: the same proposal as `POST /vendors/{id}/roots` with the candidate's certificate, so the same
 * rules hold (a CA, self-issued, not expired) and a second, independent admin must approve it. The audit
 * entry records the candidate and the feed item it came from. Refused when the candidate is a fingerprint
 * hint (no certificate: CANDIDATE_WITHOUT_CERTIFICATE), or when the vendor already has a root or pinned
 * signer of its certificate or key in any state (ROOT_DUPLICATE: proposed, active, distrusted or retired
 * alike; a distrusted key is not brought back this way).
 */
export function createCandidateProposal(deps: CandidateProposalDeps) {
  return {
    async proposeCandidate(actor: Principal, ref: CandidateRef, input: { reason: string }): Promise<Anchor> {
      const candidate = await findCandidate(deps, ref);
      const d = candidate.data;
      if (d.kind !== 'certificate') {
        throw new TrustgateError(
          'CANDIDATE_WITHOUT_CERTIFICATE',
          `candidate ${candidate.key} of vendor '${candidate.vendorId}' is a fingerprint in an advisory's text, not a certificate: get the certificate from ${candidate.vendorId} through the contact on file and propose it with POST /vendors/${candidate.vendorId}/roots`,
        );
      }
      const existing = anchorOf(candidate, await deps.trust.listAnchors(candidate.vendorId));
      if (existing) {
        const kind = anchorKind(existing);
        const same = existing.sha256 === d.sha256 ? 'this certificate' : 'this key';
        throw new TrustgateError(
          'ROOT_DUPLICATE',
          `vendor '${candidate.vendorId}' already has ${same} as a ${kind === 'root' ? 'root' : 'pinned signer'} (${existing.state}); see GET /${kind}s/${existing.sha256}?vendor=${candidate.vendorId}`,
        );
      }
      const first = d.provenance;
      return proposeRoot(deps, actor, candidate.vendorId, { pem: d.pem, reason: input.reason }, 'root', {
        candidate: candidate.key,
        vendor: candidate.vendorId,
        feedId: first.feedId,
        feedUrl: first.feedUrl,
        itemGuid: first.itemGuid,
        itemTitle: first.itemTitle,
        itemLink: first.itemLink,
        fetchedAt: first.fetchedAt,
        contentHash: first.contentHash,
        corroborated: d.corroborated,
      });
    },
  };
}
