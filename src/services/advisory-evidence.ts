import { candidateMatches } from '../advisories';
import type { Database } from '../db';
import { type AdvisoryRepository, createAdvisoryRepository } from '../db/advisory-repository';
import {
  type CandidateRepository,
  createCandidateRepository,
  type StoredCandidate,
  type StoredCandidateData,
  type StoredProvenance,
} from '../db/candidate-repository';
import type { EscalationEvidence } from '../escalation';

type Evidence = Awaited<ReturnType<EscalationEvidence['forTop']>>;

const describeProvenance = (p: StoredProvenance) =>
  `feed ${p.feedUrl}, item "${p.itemTitle || p.itemGuid}"${p.itemLink ? ` (${p.itemLink})` : ''}, fetched ${p.fetchedAt}, content hash ${p.contentHash}`;

/**
 * What an escalation cites from the feed tables: the vendor's candidate roots that announce the unknown top
 * certificate (certificate SHA-256, or SPKI SHA-256: the same key under another certificate) or the
 * certificate that issued it (its subject is the top's issuer name), and the advisory items they came from.
 */
export function createAdvisoryEvidence(
  db: Database,
  repos: {
    candidates?: CandidateRepository;
    advisories?: AdvisoryRepository;
    /** Checks the matching candidates' corroboration against the roots active now (the feed service's). */
    refreshCorroboration?: (rows: StoredCandidate[]) => Promise<StoredCandidate[]>;
  } = {},
): EscalationEvidence {
  const candidates = repos.candidates ?? createCandidateRepository(db);
  const advisories = repos.advisories ?? createAdvisoryRepository(db);
  const refresh = repos.refreshCorroboration ?? (async (rows: StoredCandidate[]) => rows);
  return {
    async forTop(vendorId, top) {
      const out: Evidence = { advisories: [], candidates: [] };
      const matchOf = (d: StoredCandidateData) => {
        const announcesTop = candidateMatches(d, { sha256: top.sha256, spkiSha256: top.spkiSha256 });
        // the top certificate is not a root: its issuer may be the announced one
        const issuesTop =
          !announcesTop &&
          d.kind === 'certificate' &&
          top.issuer !== undefined &&
          top.issuer !== '' &&
          (d.subject === top.issuer || d.sameKeyCertificates.some((c) => c.subject === top.issuer));
        return { announcesTop, issuesTop };
      };
      const matching = (await candidates.list({ vendorId })).filter((row) => {
        const m = matchOf(row.data);
        return m.announcesTop || m.issuesTop;
      });
      const seenItems = new Set<string>();
      for (const row of await refresh(matching)) {
        const d: StoredCandidateData = row.data;
        const { issuesTop } = matchOf(d);
        const provenances = [d.provenance, ...d.otherProvenance];
        let sha256: string;
        let spkiSha256: string;
        if (d.kind === 'certificate') {
          sha256 = d.sha256;
          spkiSha256 = d.spkiSha256;
        } else if (d.hex === top.spkiSha256) {
          sha256 = top.sha256;
          spkiSha256 = d.hex;
        } else {
          sha256 = top.sha256;
          spkiSha256 = top.spkiSha256;
        }
        out.candidates.push({
          sha256,
          spkiSha256,
          corroborated: d.corroborated,
          provenance: `${d.kind === 'fingerprint' ? `a ${d.algorithm.toUpperCase()} fingerprint in the text (not a certificate); ` : ''}${issuesTop ? 'the announced root named as the issuer of the top certificate; ' : ''}${provenances.map(describeProvenance).join('; ')}`,
        });
        for (const p of provenances) {
          const key = `${p.feedId}\n${p.itemGuid}`;
          if (seenItems.has(key)) continue;
          seenItems.add(key);
          const item = await advisories.get(p.feedId, p.itemGuid);
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
