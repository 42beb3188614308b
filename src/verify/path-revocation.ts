import type { ParsedCertificate } from './certificate';
import { parseCrlMemo } from './crl-memo';
import { type OcspStatus, ocspRequestFor, ocspResponderUrls, ocspStatus } from './ocsp';
import { CRL_REASON, type ParsedCrl, revokedKey } from './path/crl';
import { checkRevocation, type RevocationContext } from './path/revocation';
import { SignatureChecker } from './path/signature-checker';
import { flooredTime } from './path/validate';
import { type Reason, reason } from './reasons';
import type { KnownRevocation } from './revocation-memory';

/**
 * The revocation status of a path that has passed every other check, from every source at hand: CRLs the
 * signature carries or the caller gives, CRLs stored for the path's issuers (admin uploads), CRLs fetched
 * from the distribution points the path's own certificates name (leaf first, bounded) and revocations
 * remembered from earlier CRLs. Sources are asked only here, that is only for a path that validated: a
 * signature that fails before (a broken digest, an unknown root, an expired chain) makes the server fetch
 * nothing, and a certificate the caller merely adds to the bag names no URL that is fetched.
 */

export interface RevocationSources {
  /** CRLs the signature carries and CRLs the caller gives (DER); used only when they verify against the path. */
  crls: Uint8Array[];
  /** Stored CRLs of these issuers (canonical names). */
  storedCrls?: (issuers: string[]) => Promise<Uint8Array[]>;
  /** Fetches (or finds cached) the CRLs at these URLs; failures yield none. */
  fetchCrls?: (urls: string[]) => Promise<Uint8Array[]>;
  /** Revocations remembered from earlier CRLs for these certificates. */
  knownRevocations?: (keys: Array<{ issuer: string; serial: string }>) => Promise<KnownRevocation[]>;
  /** OCSP responses the signature carries (RFC 5940), for any certificate of the path. */
  ocspResponses?: Uint8Array[];
  /**
   * Asks the signer's OCSP responders (its AIA) with this request; the answers still have to verify
   * (RFC 6960: signed by the issuer or a responder it delegated to, current).
   */
  fetchOcsp?: (request: { urls: string[]; der: Uint8Array; cacheKey: string }) => Promise<Uint8Array[]>;
}

/** What a CRL or OCSP response that checked against a validated path teaches, for the memory. */
export interface RevocationEvidence {
  /** Names this lesson: the same key always carries the same revocations (a recorder writes it once). */
  key: string;
  revocations: KnownRevocation[];
}

export interface PathRevocationResult {
  /** CERT_REVOKED and REVOCATION_UNAVAILABLE reasons, one per certificate that has one. */
  reasons: Reason[];
  /** Whether any CRL or remembered revocation was at hand (else nothing could be checked). */
  anySource: boolean;
  evidence: RevocationEvidence[];
}

/**
 * Most stored CRLs of one issuer a verification reads; the store answers one more when it holds more,
 * and the verification then fails (see checkPathRevocation).
 */
export const MAX_STORED_CRLS_PER_ISSUER = 128;

/** Distribution point URLs fetched per certificate, and for one path. */
export const MAX_DISTRIBUTION_POINTS_PER_CERTIFICATE = 2;
export const MAX_DISTRIBUTION_POINTS = 6;

export async function checkPathRevocation(input: {
  /** The validated path, signer first, anchor last. */
  path: ParsedCertificate[];
  /** The trust anchor the path ends at: remembered revocations are kept per anchor. */
  anchorId: string;
  /** Other certificates that may have signed a CRL (the signature's bag). */
  pool: ParsedCertificate[];
  sources: RevocationSources;
  /** When CRLs must be current (the time of verification). */
  time: Date;
  /** The instant the question "was it revoked?" is about (a trusted timestamp, or the time). */
  validationTime: Date;
  subtle: SubtleCrypto;
  maxSignatureChecks: number;
}): Promise<PathRevocationResult> {
  const { path, sources } = input;
  const covered = path.slice(0, -1);
  const issuers = [...new Set(covered.map((cert) => cert.issuerCanonical))];
  const scope = memoryScope(input.anchorId);
  const [stored, fetched, known] = await Promise.all([
    sources.storedCrls?.(issuers) ?? [],
    sources.fetchCrls?.(distributionPointUrls(covered)) ?? [],
    sources.knownRevocations?.(
      covered.map((c) => ({ issuer: scope + c.issuerCanonical, serial: c.serialHex })),
    ) ?? [],
  ]);
  // The service's own sources first: a bag full of CRLs that fail to verify must not use up the
  // signature-check budget before them (and a budget run out fails the path, see below).
  // Stored CRLs are read once: past the parse memo's size, a second read would parse them all again.
  const storedCrls = readCrls(stored);
  const crls = readCrls([...fetched, ...sources.crls], storedCrls);
  const crowded = crowdedIssuers(storedCrls);
  const knownByKey = new Map<string, KnownRevocation[]>();
  for (const k of known) {
    if (!k.issuer.startsWith(scope)) continue;
    const key = revokedKey(k.issuer.slice(scope.length), k.serial);
    knownByKey.set(key, [...(knownByKey.get(key) ?? []), k]);
  }
  const verified = new Set<ParsedCrl>();
  const learned: KnownRevocation[] = [];
  const checker = new SignatureChecker(input.subtle, input.maxSignatureChecks);
  const carried = sources.ocspResponses ?? [];
  const ocsp = async (cert: ParsedCertificate, issuer: ParsedCertificate): Promise<OcspStatus | null> => {
    const responses = [...carried];
    const urls = cert === path[0] && sources.fetchOcsp ? ocspResponderUrls(cert) : [];
    if (urls.length > 0 && sources.fetchOcsp) {
      // No nonce: the answer is cached for everyone asking about this certificate until its nextUpdate,
      // so freshness rests on thisUpdate/nextUpdate (RFC 6960 §4.4.1 makes the nonce optional).
      const der = ocspRequestFor(cert, issuer);
      responses.push(
        ...(await sources.fetchOcsp({ urls, der, cacheKey: `${issuer.spkiSha256Hex}:${cert.serialHex}` })),
      );
    }
    if (responses.length === 0) return null;
    return ocspStatus({ cert, issuer, responses, time: input.time, checker });
  };
  const context: RevocationContext = {
    crls,
    pool: input.pool,
    time: flooredTime(input.time),
    validationTime: flooredTime(input.validationTime),
    checker,
    known: knownByKey,
    verified,
    ocsp,
    learned,
  };
  const reasons = await checkRevocation(path, context);
  for (const issuer of crowded) {
    // The store answers one more than this when there are more: rather than pick some (and let old or
    // junk uploads crowd out the one that revokes), refuse until an admin retires some.
    reasons.push(
      reason(
        'PATH_BUDGET_EXCEEDED',
        `more than ${MAX_STORED_CRLS_PER_ISSUER} stored CRLs of "${issuer}" are active: an admin must retire old ones`,
      ),
    );
  }
  if (context.checker.exceeded) {
    // A CRL left unchecked could be the one that revokes: running out of budget is a failure, not a
    // status unknown that a best-effort policy would let pass.
    reasons.push(
      reason(
        'PATH_BUDGET_EXCEEDED',
        `checking revocation needs more than ${input.maxSignatureChecks} signature checks`,
      ),
    );
  }
  const scoped = (r: KnownRevocation): KnownRevocation => ({ ...r, issuer: scope + r.issuer });
  return {
    reasons,
    anySource: crls.length > 0 || known.length > 0 || carried.length > 0 || sources.fetchOcsp !== undefined,
    evidence: [
      ...[...verified].map((crl) => ({
        key: `${scope}crl:${crl.sha256Hex}`,
        revocations: ownRevocations(crl, scope),
      })),
      // What was established for the path's own certificates (indirect CRLs and OCSP included).
      ...learned.map((r) => ({
        key: `${scope}${r.evidenceSha256}:${r.serial}@${r.issuer}`,
        revocations: [scoped(r)],
      })),
    ],
  };
}

/**
 * Remembered revocations are kept per trust anchor: a CRL teaches only about certificates under the root
 * it verified under, so another vendor's CA that merely copies a name (under a root of its own) cannot
 * make anyone else's certificates revoked.
 */
const memoryScope = (anchorId: string): string => `anchor:${anchorId}|`;

/** Display names of the issuers with more than MAX_STORED_CRLS_PER_ISSUER CRLs among these. */
function crowdedIssuers(crls: ParsedCrl[]): string[] {
  const counts = new Map<string, { display: string; n: number }>();
  for (const crl of crls) {
    const entry = counts.get(crl.issuerName.canonical) ?? { display: crl.issuerName.display, n: 0 };
    entry.n++;
    counts.set(crl.issuerName.canonical, entry);
  }
  return [...counts.values()].filter((c) => c.n > MAX_STORED_CRLS_PER_ISSUER).map((c) => c.display);
}

/**
 * Each CRL once (by its bytes' SHA-256), after those already `read` (kept first, in order); malformed
 * ones are dropped. Every source is bounded where it is read (the envelope's limits, the fetch bound, the
 * store's per-issuer bound), so nothing is cut here.
 */
function readCrls(ders: Uint8Array[], read: readonly ParsedCrl[] = []): ParsedCrl[] {
  const seen = new Set(read.map((crl) => crl.sha256Hex));
  const out = [...read];
  for (const der of ders) {
    const crl = parseCrlMemo(der);
    if (!crl || seen.has(crl.sha256Hex)) continue;
    seen.add(crl.sha256Hex);
    out.push(crl);
  }
  return out;
}

/**
 * The http(s) CRL distribution points (fullName URIs, RFC 5280 §4.2.1.13) of the path's certificates, leaf
 * first: at most MAX_DISTRIBUTION_POINTS_PER_CERTIFICATE each and MAX_DISTRIBUTION_POINTS in all, so the
 * leaf's own are always asked. Indirect CRLs (a cRLIssuer) are fetched too: they must still verify.
 */
export function distributionPointUrls(certificates: ParsedCertificate[]): string[] {
  const urls: string[] = [];
  for (const certificate of certificates) {
    let own = 0;
    for (const point of certificate.extensions.crlDistributionPoints ?? []) {
      for (const name of point.fullName ?? []) {
        if (own >= MAX_DISTRIBUTION_POINTS_PER_CERTIFICATE) break;
        if (name.kind !== 'uri' || !/^https?:\/\//i.test(name.value) || urls.includes(name.value)) continue;
        urls.push(name.value);
        own++;
        if (urls.length >= MAX_DISTRIBUTION_POINTS) return urls;
      }
    }
  }
  return urls;
}

/** Per parsed CRL (shared between requests through the parse memo) and anchor scope, built once. */
const lessons = new WeakMap<ParsedCrl, Map<string, KnownRevocation[]>>();

/** What a verified CRL teaches: its own issuer's revocations other than holds (temporary) and removals. */
function ownRevocations(crl: ParsedCrl, scope: string): KnownRevocation[] {
  let byScope = lessons.get(crl);
  const known = byScope?.get(scope);
  if (known) return known;
  const revocations: KnownRevocation[] = [];
  for (const [key, entry] of crl.revoked) {
    if (entry.reasonCode === CRL_REASON.certificateHold || entry.reasonCode === CRL_REASON.removeFromCRL)
      continue;
    // `revokedKey` puts the serial (hex digits) first, so the first '@' ends it.
    const at = key.indexOf('@');
    const issuer = key.slice(at + 1);
    // An indirect CRL speaks for other issuers only for the certificates that name it; what it says of
    // anyone else is not remembered.
    if (issuer !== crl.issuerName.canonical) continue;
    revocations.push({
      issuer: scope + issuer,
      serial: key.slice(0, at),
      reasonCode: entry.reasonCode,
      revocationDate: entry.revocationDate,
      evidenceSha256: crl.sha256Hex,
    });
  }
  Object.freeze(revocations);
  if (!byScope) {
    byScope = new Map();
    lessons.set(crl, byScope);
  }
  // A handful of anchors share a CA at most; the bound keeps a CRL from holding many copies.
  if (byScope.size < 4) byScope.set(scope, revocations);
  return revocations;
}
