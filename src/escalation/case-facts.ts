import type {
  CandidateRoot,
  CaseFacts,
  CaseSurroundings,
  EscalationCase,
  MatchingAdvisory,
  VendorFacts,
} from './types';

/** What the platform adds to a stored case to render it: store and feed data, and its own URL. */
export interface CaseContext {
  /** The vendor as the trust store has it (contacts from `vendor.json` / the vendors table). */
  vendor: VendorFacts;
  advisories: readonly MatchingAdvisory[];
  candidates: readonly CandidateRoot[];
  serviceBaseUrl: string;
  signature?: CaseFacts['signature'];
  /** Other vendors' active roots the chain reaches, and the vendor's feeds (looked up when rendered). */
  surroundings?: CaseSurroundings;
}

/** The facts of a stored case. The vendor must be the case's own (checked: a mismatch is a bug). */
export function factsFromCase(c: EscalationCase, context: CaseContext): CaseFacts {
  if (context.vendor.id !== c.vendorId) {
    throw new Error(`factsFromCase: case ${c.id} is for vendor ${c.vendorId}, not ${context.vendor.id}`);
  }
  return {
    caseId: c.id,
    kind: c.kind,
    state: c.state,
    vendor: context.vendor,
    chain: c.chain,
    top: c.top,
    advisories: context.advisories,
    candidates: context.candidates,
    artifactDigests: c.artifactDigests,
    counts: { verificationsBlocked: c.verificationsBlocked, firstSeen: c.firstSeen, lastSeen: c.lastSeen },
    serviceBaseUrl: context.serviceBaseUrl,
    steps: c.steps,
    resolution: c.resolution,
    ...(c.overflow ? { overflow: c.overflow } : {}),
    ...(context.signature ? { signature: context.signature } : {}),
    ...(c.caller ? { caller: c.caller } : {}),
    ...(context.surroundings
      ? {
          otherVendorRoots: context.surroundings.otherVendorRoots,
          feedsOnFile: context.surroundings.feedsOnFile,
        }
      : {}),
  };
}
