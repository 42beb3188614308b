import { candidateMatches } from '../advisories';
import {
  type CaseSurroundings,
  type EscalationCase,
  type RememberedRejection,
  type RenderedCase,
  rememberedRejection,
} from '../escalation';
import { supersededByAdmins } from '../services/escalations/opening';
import type { CandidateWithRoot } from '../services/feeds/candidates';
import { type Anchor, anchorKind, type Contact } from '../trust';
import type { ConsoleDeps } from './deps';

/** The fields every stored case has; any other field of the case JSON is context and shown as it is. */
const CASE_FIELDS = new Set([
  'id',
  'key',
  'kind',
  'state',
  'vendorId',
  'top',
  'chain',
  'verificationsBlocked',
  'firstSeen',
  'lastSeen',
  'artifactDigests',
  'overflow',
  'caller',
  'stepCount',
  'steps',
  'resolution',
  'openedAt',
  'updatedAt',
]);

/** A root of the case's vendor with the unreached certificate or its key, and who proposed it and why. */
export interface RootOnFile {
  anchor: Anchor;
  proposedAt: string;
  reason: string | null;
}

/**
 * On-call's rejection of this root for this vendor: of this case (resolved as rejected), or of an earlier
 * case of the same root. `inForce`: the next identical package is refused with a pointer to it
 * (`ESCALATION_REJECTED`) instead of paging again; false once the admins decided about the root since.
 */
export interface RejectionOnFile extends RememberedRejection {
  ofThisCase: boolean;
  inForce: boolean;
}

/** An advisory item a matching candidate came from. */
export interface CitedAdvisory {
  title: string;
  link: string | null;
  feedUrl: string;
  fetchedAt: string;
}

export interface CaseDetail {
  case: EscalationCase;
  rendered: RenderedCase;
  vendorName: string;
  /** From the trust store only; null when the vendor is not on file any more. */
  contacts: Contact[] | null;
  /** The vendor's feed candidates that announce the unreached certificate, its key, or its issuer. */
  candidates: CandidateWithRoot[];
  advisories: CitedAdvisory[];
  /**
   * Roots of the vendor for the unreached certificate: the same certificate or key, a matching candidate's, or
   * the one named as its issuer; pending first.
   */
  roots: RootOnFile[];
  /** Other vendors' active roots the chain reaches and the vendor's feed count, when looked up. */
  surroundings: CaseSurroundings | undefined;
  /** The latest rejection of this root for this vendor, when on-call rejected it. */
  rejection: RejectionOnFile | null;
  /** Fields of the case beyond the stored ones (context added by later versions), in their order. */
  context: Array<[string, unknown]>;
  /** The unreached certificate's SHA-1, when the case has it. */
  sha1: string | undefined;
}

/** Whether a candidate announces the top certificate, its key, or (by subject) the certificate that issued it. */
function matchesTop(candidate: CandidateWithRoot, top: EscalationCase['top'], sha1: string | undefined) {
  const d = candidate.data;
  if (candidateMatches(d, { sha256: top.sha256, spkiSha256: top.spkiSha256, ...(sha1 ? { sha1 } : {}) }))
    return true;
  return (
    d.kind === 'certificate' &&
    top.issuer !== undefined &&
    top.issuer !== '' &&
    top.issuer !== top.subject &&
    (d.subject === top.issuer || d.sameKeyCertificates.some((c) => c.subject === top.issuer))
  );
}

const sha1Of = (top: EscalationCase['top']): string | undefined => {
  const value = (top as { sha1?: unknown }).sha1;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Everything the case page shows, read through the same use cases as the API. */
export async function loadCase(
  deps: ConsoleDeps,
  escalations: NonNullable<ConsoleDeps['escalations']>,
  id: string,
) {
  const { case: c, rendered } = await escalations.get(id);
  const sha1 = sha1Of(c.top);

  let vendorName = c.vendorId;
  let contacts: Contact[] | null = null;
  try {
    const vendor = await deps.trustAdmin.getVendor(c.vendorId);
    vendorName = vendor.name;
    contacts = vendor.contacts;
  } catch {
    // The vendor left the store after the case was opened: the page says there is no contact on file.
  }

  const candidates = deps.feeds
    ? (await deps.feeds.listCandidates({ vendorId: c.vendorId })).filter((cand) =>
        matchesTop(cand, c.top, sha1),
      )
    : [];
  const advisories: CitedAdvisory[] = [];
  const seen = new Set<string>();
  for (const cand of candidates) {
    for (const p of [cand.data.provenance, ...cand.data.otherProvenance]) {
      const key = `${p.feedId}\n${p.itemGuid}`;
      if (seen.has(key)) continue;
      seen.add(key);
      advisories.push({
        title: p.itemTitle || p.itemGuid,
        link: p.itemLink,
        feedUrl: p.feedUrl,
        fetchedAt: p.fetchedAt,
      });
    }
  }

  const roots: RootOnFile[] = [];
  if (contacts !== null) {
    // The top itself (same certificate or key), or the root it names as its issuer: announced by a matching
    // candidate, or proposed with the issuer's name (the vendor's full chain, pasted).
    const sha256s = new Set([c.top.sha256]);
    const keys = new Set([c.top.spkiSha256]);
    for (const cand of candidates) {
      if (cand.data.kind !== 'certificate') continue;
      sha256s.add(cand.data.sha256);
      keys.add(cand.data.spkiSha256);
    }
    const issuer = c.top.issuer !== undefined && c.top.issuer !== c.top.subject ? c.top.issuer : undefined;
    const sameKey = (await deps.trustAdmin.listRoots(c.vendorId)).filter(
      (a) =>
        anchorKind(a) === 'root' &&
        (keys.has(a.spkiSha256) || sha256s.has(a.sha256) || (issuer !== undefined && a.subject === issuer)),
    );
    for (const anchor of sameKey) {
      const history = await deps.trustAdmin.listAudit({
        vendorId: c.vendorId,
        targetId: anchor.sha256,
        limit: 20,
      });
      const proposal = history.find((h) => h.action.endsWith('.propose'));
      roots.push({ anchor, proposedAt: proposal?.at ?? anchor.createdAt, reason: proposal?.reason ?? null });
    }
    roots.sort((a, b) => Number(b.anchor.state === 'pending') - Number(a.anchor.state === 'pending'));
  }

  const rejection = await rejectionOnFile(deps, escalations, c);
  const context = Object.entries(c).filter(
    ([key, value]) => !CASE_FIELDS.has(key) && value !== undefined && value !== null,
  );
  return {
    case: c,
    rendered,
    vendorName,
    contacts,
    candidates,
    advisories,
    roots,
    surroundings: rendered.context,
    rejection,
    context,
    sha1,
  } satisfies CaseDetail;
}

/**
 * This case's rejection, or else the latest earlier case of the same vendor, root and kind resolved as
 * rejected; and whether it still refuses packages (the rule of `/verify`: not once admins decided since).
 */
async function rejectionOnFile(
  deps: ConsoleDeps,
  escalations: NonNullable<ConsoleDeps['escalations']>,
  c: EscalationCase,
): Promise<RejectionOnFile | null> {
  let decided: EscalationCase | undefined = rememberedRejection(c) ? c : undefined;
  if (!decided) {
    const resolved = await escalations.list({ state: 'resolved', vendorId: c.vendorId, limit: 200 });
    decided = resolved
      .filter((r) => r.id !== c.id && r.key === c.key && rememberedRejection(r) !== undefined)
      .sort((a, b) => (b.resolution?.at ?? '').localeCompare(a.resolution?.at ?? ''))[0];
  }
  const rejection = decided ? rememberedRejection(decided) : undefined;
  if (!decided || !rejection) return null;
  let anchors: Awaited<ReturnType<ConsoleDeps['trustAdmin']['listRoots']>> = [];
  try {
    anchors = [
      ...(await deps.trustAdmin.listRoots(c.vendorId)),
      ...(await deps.trustAdmin.listSigners(c.vendorId)),
    ];
  } catch {
    // The vendor left the store: no admin decision to weigh against the rejection.
  }
  return {
    ...rejection,
    ofThisCase: decided.id === c.id,
    inForce: !supersededByAdmins(rejection.at, decided.top, anchors),
  };
}

/** A candidate that can be proposed as a root: a certificate the feed supplied (a fingerprint hint cannot). */
export const proposable = (cand: CandidateWithRoot): boolean =>
  cand.data.kind === 'certificate' && cand.root === null;
