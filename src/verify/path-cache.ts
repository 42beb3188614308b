import { bytesEqual } from '../encoding';
/**
 * A cache of validated certificate paths in front of `buildAndValidatePath`, built so that it can never
 * serve an answer the validator would not give:
 *
 * - Key: everything the outcome depends on except the time, compared byte for byte on every hit: the leaf DER, every
 *   intermediate DER offered (in order), every anchor offered (id, DER, distrustAfter: the anchor set
 *   reflects the trust store's state for the vendor, so any approval, distrust or retirement changes the
 *   key, which is stricter than keying on the store version), and the request's parameters (required
 *   EKU, key usage, CA-leaf permission, signingTime, policy inputs, limits, DSA permission: every field
 *   of PathRequest is placed in `FIELDS`, which does not compile without a new one). A caller can add
 *   its own scope (for example the store version and vendor id) through `scope`.
 * - Only `valid` outcomes are stored, and only their time-independent part: the path and which anchor it
 *   ended at. Failures are recomputed every time (their reasons can depend on the time and on the order
 *   the builder tried paths in).
 * - Before a stored path is served, every certificate on it (anchor included) is re-checked for its
 *   validity window at the request's time, at the same whole-second grain the validator uses; and an
 *   anchor's distrustAfter against the signingTime (or the signer's notBefore). A path that no longer
 *   passes is not served: the request goes to the validator, which gives the reasons.
 * - Requests with CRLs bypass the cache (revocation depends on the time and the CRLs' freshness).
 * - Bounded: least recently used entries are dropped past `maxEntries`.
 *
 * What the validator checks on a path besides validity windows and distrustAfter (signatures, names,
 * basic constraints, key usage, EKU, name constraints, policies, key policy) depends only on the path's
 * certificates and the request's parameters, all of which are in the key. When a stored path still holds
 * at a later time, it is a valid path at that time; the validator, searching afresh, could in principle
 * pick another valid path first (it prefers certificates valid at the time), never a different verdict.
 */
import type { ParsedCertificate } from './certificate';
import { fnv1a } from './memo';
import { buildAndValidatePath } from './path';
import type { PathOutcome, PathRequest } from './path/types';
import { flooredTime } from './path/validate';

export type PathValidator = (request: PathRequest) => Promise<PathOutcome>;

export interface PathCacheOptions {
  /** Most paths kept (default 4,096; each holds its key material, a few KB). */
  maxEntries?: number;
  /** The validator behind the cache (default `buildAndValidatePath`). */
  validate?: PathValidator;
}

export interface PathCacheStats {
  hits: number;
  misses: number;
  /** Stored paths that failed the re-check at the request's time and went to the validator. */
  stale: number;
  bypassed: number;
  size: number;
}

/**
 * How each field of a request enters the cache. A field added to PathRequest does not compile until it is
 * placed here, so nothing the outcome depends on can be left out of the key unnoticed.
 * - `key`: compared byte for byte (certificates and anchors) or by value (parameters) on every hit;
 * - `time`: not in the key; a stored path is re-checked at the request's time before it is served;
 * - `bypass`: a request that sets it goes to the validator, never through the cache;
 * - `crypto`: how signatures are checked, not what the outcome is.
 */
const FIELDS: Record<keyof PathRequest, 'key' | 'time' | 'bypass' | 'crypto'> = {
  leaf: 'key',
  intermediates: 'key',
  anchors: 'key',
  time: 'time',
  signingTime: 'key',
  requiredEku: 'key',
  requireLeafEku: 'key',
  leafKeyUsage: 'key',
  requireLeafKeyUsage: 'key',
  anchorChecks: 'key',
  allowCaLeaf: 'key',
  crls: 'bypass',
  revocationTime: 'bypass',
  policy: 'key',
  limits: 'key',
  allowDsa: 'key',
  subtle: 'crypto',
};
/** The keyed fields other than the certificates and anchors, in a fixed order. */
const PARAMETERS = (Object.keys(FIELDS) as Array<keyof PathRequest>).filter(
  (field) => FIELDS[field] === 'key' && field !== 'leaf' && field !== 'intermediates' && field !== 'anchors',
);
const BYPASS = (Object.keys(FIELDS) as Array<keyof PathRequest>).filter(
  (field) => FIELDS[field] === 'bypass',
);

interface KeyedAnchor {
  id: string;
  der: Uint8Array;
  distrustAfter: number | null;
  keyCompromised: boolean;
  /** A signer anchor never anchors a path (path/index.ts): a root and a pin of one DER are other keys. */
  signer: boolean;
}

/** What an entry was stored for: its own copies, so that no caller's later change of a buffer can move it. */
interface Key {
  scope: string;
  parameters: string;
  leaf: Uint8Array;
  intermediates: Uint8Array[];
  anchors: KeyedAnchor[];
  /** The bytes the key holds, for the memory bound. */
  size: number;
}

interface Entry {
  key: Key;
  path: ParsedCertificate[];
  anchorIndex: number;
}

/** Largest key kept (a leaf, a few intermediates and the anchors are well under it). */
const MAX_ENTRY_BYTES = 64 * 1024;
/** All kept keys together; with the parsed paths they point to, a few times this in memory. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;

/** The request's parameters as one string (dates as their milliseconds; absent fields as null). */
function parametersOf(req: PathRequest): string {
  return JSON.stringify(
    PARAMETERS.map((field) => {
      const value = req[field];
      return value instanceof Date ? value.getTime() : (value ?? null);
    }),
  );
}

function sameKey(key: Key, req: PathRequest, scope: string, parameters: string): boolean {
  if (key.scope !== scope || key.parameters !== parameters) return false;
  if (key.intermediates.length !== req.intermediates.length || key.anchors.length !== req.anchors.length)
    return false;
  if (!bytesEqual(key.leaf, req.leaf)) return false;
  for (let i = 0; i < key.intermediates.length; i++) {
    if (!bytesEqual(key.intermediates[i] as Uint8Array, req.intermediates[i] as Uint8Array)) return false;
  }
  for (let i = 0; i < key.anchors.length; i++) {
    const kept = key.anchors[i] as KeyedAnchor;
    const anchor = req.anchors[i] as PathRequest['anchors'][number];
    if (kept.id !== anchor.id || kept.distrustAfter !== (anchor.distrustAfter?.getTime() ?? null))
      return false;
    if (kept.keyCompromised !== (anchor.keyCompromised === true)) return false;
    if (kept.signer !== (anchor.kind === 'signer')) return false;
    if (!bytesEqual(kept.der, anchor.der)) return false;
  }
  return true;
}

function keyOf(req: PathRequest, scope: string, parameters: string): Key {
  const leaf = new Uint8Array(req.leaf);
  const intermediates = req.intermediates.map((der) => new Uint8Array(der));
  const anchors = req.anchors.map((anchor) => ({
    id: anchor.id,
    der: new Uint8Array(anchor.der),
    distrustAfter: anchor.distrustAfter?.getTime() ?? null,
    keyCompromised: anchor.keyCompromised === true,
    signer: anchor.kind === 'signer',
  }));
  let size = scope.length + parameters.length + leaf.length;
  for (const der of intermediates) size += der.length;
  for (const anchor of anchors) size += anchor.id.length + anchor.der.length + 16;
  return { scope, parameters, leaf, intermediates, anchors, size };
}

/**
 * The map key: cheap to compute (FNV-1a over the leaf, the counts, scope and parameters), so it may
 * collide; an entry is served only when its whole key is the request's (`sameKey`: every certificate and
 * anchor compared byte for byte, the parameters by value), which makes a collision a miss, never a wrong
 * answer. (A cryptographic hash through WebCrypto costs more here than the whole rest of a cached lookup.)
 */
function lookupKey(req: PathRequest, scope: string, parameters: string): string {
  return `${fnv1a(req.leaf)}:${req.leaf.length}:${req.intermediates.length}:${req.anchors.length}:${scope}:${parameters}`;
}

/** Does the stored path still hold at the request's time? (All else it depends on is in the key.) */
function stillHolds(entry: Entry, req: PathRequest): boolean {
  const time = flooredTime(req.time);
  for (const cert of entry.path) {
    if (time < cert.notBefore || time > cert.notAfter) return false;
  }
  const anchor = req.anchors[entry.anchorIndex];
  const leaf = entry.path[0];
  if (!anchor || !leaf || anchor.keyCompromised) return false;
  if (anchor.distrustAfter) {
    const signedAt = req.signingTime ?? leaf.notBefore;
    if (signedAt >= anchor.distrustAfter) return false;
  }
  return true;
}

export class PathCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private totalBytes = 0;
  private readonly validate: PathValidator;
  private counters = { hits: 0, misses: 0, stale: 0, bypassed: 0 };

  constructor(options: PathCacheOptions = {}) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 4096));
    this.validate = options.validate ?? buildAndValidatePath;
  }

  /** `buildAndValidatePath`, through the cache. `scope` is mixed into the key (e.g. vendor and store version). */
  async buildAndValidatePath(req: PathRequest, scope = ''): Promise<PathOutcome> {
    // Any CRL list, even an empty one, means revocation is checked (an empty list under a `require`
    // policy fails every path), so only requests that check none may share cached outcomes.
    if (BYPASS.some((field) => req[field] !== undefined)) {
      this.counters.bypassed++;
      return this.validate(req);
    }
    const parameters = parametersOf(req);
    const key = lookupKey(req, scope, parameters);
    const found = this.entries.get(key);
    const entry = found && sameKey(found.key, req, scope, parameters) ? found : undefined;
    if (entry) {
      if (stillHolds(entry, req)) {
        this.entries.delete(key);
        this.entries.set(key, entry);
        this.counters.hits++;
        const anchor = req.anchors[entry.anchorIndex] as PathRequest['anchors'][number];
        return { status: 'valid', path: entry.path.slice(), anchor };
      }
      this.counters.stale++;
    } else {
      this.counters.misses++;
    }
    const outcome = await this.validate(req);
    if (outcome.status === 'valid') {
      const anchorIndex = req.anchors.indexOf(outcome.anchor);
      const kept = anchorIndex >= 0 ? keyOf(req, scope, parameters) : null;
      // A request padded with large junk certificates is answered but not kept: entries are bounded in
      // size as well as in number, so no caller can fill memory through the cache.
      if (kept && kept.size <= MAX_ENTRY_BYTES) {
        const replaced = this.entries.get(key);
        if (replaced) this.totalBytes -= replaced.key.size;
        this.entries.delete(key);
        this.entries.set(key, { key: kept, path: outcome.path.slice(), anchorIndex });
        this.totalBytes += kept.size;
        while (this.entries.size > this.maxEntries || this.totalBytes > MAX_TOTAL_BYTES) {
          const oldest = this.entries.keys().next().value;
          if (oldest === undefined) break;
          this.totalBytes -= this.entries.get(oldest)?.key.size ?? 0;
          this.entries.delete(oldest);
        }
      }
    }
    return outcome;
  }

  /** The cache as a plain validator function, for code that takes one. */
  get validator(): PathValidator {
    return (req) => this.buildAndValidatePath(req);
  }

  stats(): PathCacheStats {
    return { ...this.counters, size: this.entries.size };
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}

export function createPathCache(options: PathCacheOptions = {}): PathCache {
  return new PathCache(options);
}
