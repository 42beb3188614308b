import {
  type AdvisoryRepository,
  type CandidateRepository,
  candidateMatches,
  type PollPorts,
  recheckCorroboration,
  type StoredCandidateData,
  type StoredProvenance,
} from '../../advisories';
import type { EscalationEvidence } from '../../escalation';

type Evidence = Awaited<ReturnType<EscalationEvidence['forTop']>>;
type Top = Parameters<EscalationEvidence['forTop']>[1];

/** Read-only: an escalation may be opened by an unauthenticated `POST /verify`, so citing writes nothing. */
export interface AdvisoryEvidenceDeps {
  candidates: Pick<CandidateRepository, 'list'>;
  advisories: Pick<AdvisoryRepository, 'get'>;
  /** The vendor's roots active now (DER): corroboration is reported as of them, never stored. */
  activeRoots: PollPorts['activeRoots'];
  subtle: SubtleCrypto;
  now: () => Date;
}

const describeProvenance = (p: StoredProvenance) =>
  `feed ${p.feedUrl}, item "${p.itemTitle || p.itemGuid}"${p.itemLink ? ` (${p.itemLink})` : ''}, fetched ${p.fetchedAt}, content hash ${p.contentHash}`;

/** Whether a candidate announces the top certificate itself, or the certificate that issued it. */
function matchOf(d: StoredCandidateData, top: Top) {
  const announcesTop = candidateMatches(d, { sha256: top.sha256, spkiSha256: top.spkiSha256 });
  // the top certificate is not a root: its issuer may be the announced one
  const issuesTop =
    !announcesTop &&
    d.kind === 'certificate' &&
    top.issuer !== undefined &&
    top.issuer !== '' &&
    (d.subject === top.issuer || d.sameKeyCertificates.some((c) => c.subject === top.issuer));
  return { announcesTop, issuesTop };
}

/** The candidate as the case cites it: its certificate and key, or the top's for a fingerprint hint. */
function citedCandidate(d: StoredCandidateData, top: Top): Evidence['candidates'][number] {
  const { issuesTop } = matchOf(d, top);
  const provenances = [d.provenance, ...d.otherProvenance];
  const [sha256, spkiSha256] =
    d.kind === 'certificate'
      ? [d.sha256, d.spkiSha256]
      : d.hex === top.spkiSha256
        ? [top.sha256, d.hex]
        : [top.sha256, top.spkiSha256];
  return {
    sha256,
    spkiSha256,
    corroborated: d.corroborated,
    provenance: `${d.kind === 'fingerprint' ? `a ${d.algorithm.toUpperCase()} fingerprint in the text (not a certificate); ` : ''}${issuesTop ? 'the announced root named as the issuer of the top certificate; ' : ''}${provenances.map(describeProvenance).join('; ')}`,
  };
}

/**
 * What an escalation cites from the feed tables: the vendor's candidate roots that announce the unknown top
 * certificate (certificate SHA-256, or SPKI SHA-256: the same key under another certificate) or the
 * certificate that issued it (its subject is the top's issuer name), and the advisory items they came from.
 * Corroboration is checked against the roots active now in memory only: nothing here writes.
 */
export function createAdvisoryEvidence(deps: AdvisoryEvidenceDeps): EscalationEvidence {
  return {
    async forTop(vendorId, top) {
      const out: Evidence = { advisories: [], candidates: [] };
      const matching = (await deps.candidates.list({ vendorId })).filter((row) => {
        const m = matchOf(row.data, top);
        return m.announcesTop || m.issuesTop;
      });
      const { rows } = await recheckCorroboration(
        matching,
        { activeRoots: deps.activeRoots },
        deps.subtle,
        deps.now().toISOString(),
      );
      const seenItems = new Set<string>();
      for (const { data } of rows) {
        out.candidates.push(citedCandidate(data, top));
        for (const p of [data.provenance, ...data.otherProvenance]) {
          const key = `${p.feedId}\n${p.itemGuid}`;
          if (seenItems.has(key)) continue;
          seenItems.add(key);
          const item = await deps.advisories.get(p.feedId, p.itemGuid);
          out.advisories.push({
            title: item?.data.title ?? p.itemTitle,
            link: item?.data.link ?? p.itemLink ?? p.itemGuid,
            feed: p.feedUrl,
            published: item?.data.published ?? '',
          });
        }
      }
      return out;
    },
  };
}
