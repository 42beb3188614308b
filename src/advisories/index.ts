/**
 * Advisory feeds: fetching (injected fetch, clock, randomness), scheduling, parsing (RSS 2.0, Atom, CSAF
 * ROLIE), extraction of fingerprints/PEMs/certificate links, item change detection, candidate roots and
 * their corroboration. Pure: no Node, Workers, Hono or database imports.
 */
export { type CertificateFingerprints, candidateMatches } from './candidate-match';
export {
  mergeCandidate,
  mergeProvenance,
  type RecheckedCandidates,
  recheckCorroboration,
  storedCandidateData,
} from './candidate-merge';
export {
  type Candidate,
  type CertificateCandidate,
  deriveCandidates,
  type FingerprintCandidate,
  type ItemEvidence,
  type Provenance,
} from './candidates';
export { type CertificateInfo, type ReadCertificateResult, readCertificate } from './certificate';
export {
  type Corroboration,
  findCorroboration,
  isCorroborated,
  MAX_CORROBORATION_CHECKS,
} from './corroboration';
export { selectDueFeeds } from './due-feeds';
export { type Extraction, extractFromItem } from './extract';
export type { FeedEnclosure, FeedFormat, FeedItem, ItemParseError, ParseFeedResult } from './feed-item';
export type { FeedState, FeedStatus } from './feed-state';
export { type NewFeedResult, newFeedState } from './feed-subscription';
export { FEED_ACCEPT, type FetchFeedOutcome, fetchFeed } from './fetch-feed';
export {
  type ConditionalRequest,
  type FetchDeps,
  type FetchError,
  type FetchErrorReason,
  type FetchLike,
  fetchResource,
  type ResourceOutcome,
} from './fetch-resource';
export {
  type ExtractedFingerprint,
  FINGERPRINT_WINDOW,
  type FingerprintAlgorithm,
  findFingerprints,
} from './fingerprints';
export { htmlToText } from './html-text';
export {
  announcedKeys,
  diffItem,
  type ItemDiff,
  type ItemSnapshot,
  itemContentHash,
  itemSnapshot,
} from './item-hash';
export {
  type CertificateFetchLimits,
  DEFAULT_CERTIFICATE_LIMITS,
  DEFAULT_FETCH_LIMITS,
  DEFAULT_SCHEDULE,
  type FetchLimits,
  type ScheduleConfig,
} from './limits';
export { parseFeed } from './parse-feed';
export { certificatesFromFile, derToPem, type ExtractedPem, findPemCertificates } from './pem';
export {
  type CertificateFetchReport,
  type FeedStatusUpdate,
  type FingerprintChangeAlert,
  type PollDeps,
  type PolledItem,
  type PollResult,
  pollFeed,
} from './poll-feed';
export type { PollPorts } from './ports';
export { nextPollAt, type ScheduleDecision, type ScheduleOutcome } from './schedule';
export type {
  AdvisoryEdit,
  AdvisoryItemData,
  AdvisoryRepository,
  StoredAdvisory,
} from './stored-advisory';
export {
  type CandidateRepository,
  candidateKey,
  derOfPem,
  type StoredCandidate,
  type StoredCandidateData,
  type StoredProvenance,
} from './stored-candidate';
export {
  type FeedRecordState,
  type FeedRepository,
  feedStateOf,
  initialFeedState,
  type StoredFeed,
} from './stored-feed';
export {
  anyHttpUrl,
  classifyHost,
  type HostClass,
  type HostScope,
  isHttpUrl,
  isPrivateHost,
  publicHttpOnly,
  type UrlGuard,
} from './url-guard';
