/**
 * A cache of validated certificate paths in front of `buildAndValidatePath`, built so that it can never
 * serve an answer the validator would not give:
 *
 * - Key: everything the outcome depends on except the time, compared byte for byte on every hit: the leaf DER, every
 *   intermediate DER offered (in order), every anchor offered (id, DER, distrustAfter: the anchor set
 *   reflects the trust store's state for the vendor, so any approval, distrust or retirement changes the
 *   key, which is stricter than keying on the store version), and the request's parameters (required
 *   EKU, key usage, CA-leaf permission, signingTime, policy inputs, limits). A caller can add its own
 *   scope (for example the store version and vendor id) through `scope`.
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
import { fnv1a, sameBytes } from './memo';
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

interface Entry {
  material: Uint8Array;
  path: ParsedCertificate[];
  anchorIndex: number;
}

const encoder = new TextEncoder();
/** Largest key material kept (a leaf, a few intermediates and the anchors are well under it). */
const MAX_ENTRY_BYTES = 64 * 1024;
/** All kept key material together; with the parsed paths it points to, a few times this in memory. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;

class KeyWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  bytes(value: Uint8Array): this {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, value.length);
    this.chunks.push(header, value);
    this.length += 4 + value.length;
    return this;
  }

  text(value: string): this {
    return this.bytes(encoder.encode(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function keyMaterial(req: PathRequest, scope: string): Uint8Array {
  const w = new KeyWriter();
  w.text('trustgate-path-cache-v1').text(scope);
  w.bytes(req.leaf);
  w.text(`intermediates:${req.intermediates.length}`);
  for (const der of req.intermediates) w.bytes(der);
  w.text(`anchors:${req.anchors.length}`);
  for (const anchor of req.anchors) {
    w.text(anchor.id)
      .bytes(anchor.der)
      .text(anchor.distrustAfter ? String(anchor.distrustAfter.getTime()) : '-');
  }
  w.text(
    JSON.stringify({
      requiredEku: req.requiredEku,
      requireLeafEku: req.requireLeafEku ?? null,
      leafKeyUsage: req.leafKeyUsage,
      requireLeafKeyUsage: req.requireLeafKeyUsage ?? null,
      allowCaLeaf: req.allowCaLeaf ?? null,
      signingTime: req.signingTime ? req.signingTime.getTime() : null,
      policy: req.policy ?? null,
      limits: req.limits ?? null,
    }),
  );
  return w.finish();
}

/**
 * The map key: cheap to compute (FNV-1a over the leaf and the material's length), so it may collide; an
 * entry is served only when its whole key material is byte for byte the request's (`sameBytes`), which
 * makes a collision a miss, never a wrong answer. (A cryptographic hash through WebCrypto costs more here
 * than the whole rest of a cached lookup.)
 */
function lookupKey(req: PathRequest, material: Uint8Array): string {
  return `${fnv1a(req.leaf)}:${material.length}`;
}

/** Does the stored path still hold at the request's time? (All else it depends on is in the key.) */
function stillHolds(entry: Entry, req: PathRequest): boolean {
  const time = flooredTime(req.time);
  for (const cert of entry.path) {
    if (time < cert.notBefore || time > cert.notAfter) return false;
  }
  const anchor = req.anchors[entry.anchorIndex];
  const leaf = entry.path[0];
  if (!anchor || !leaf) return false;
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
    if (req.crls !== undefined || req.revocationTime !== undefined) {
      this.counters.bypassed++;
      return this.validate(req);
    }
    const material = keyMaterial(req, scope);
    const key = lookupKey(req, material);
    const found = this.entries.get(key);
    const entry = found && sameBytes(found.material, material) ? found : undefined;
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
      // A request padded with large junk certificates is answered but not kept: entries are bounded in
      // size as well as in number, so no caller can fill memory through the cache.
      if (anchorIndex >= 0 && material.length <= MAX_ENTRY_BYTES) {
        const replaced = this.entries.get(key);
        if (replaced) this.totalBytes -= replaced.material.length;
        this.entries.delete(key);
        this.entries.set(key, { material, path: outcome.path.slice(), anchorIndex });
        this.totalBytes += material.length;
        while (this.entries.size > this.maxEntries || this.totalBytes > MAX_TOTAL_BYTES) {
          const oldest = this.entries.keys().next().value;
          if (oldest === undefined) break;
          this.totalBytes -= this.entries.get(oldest)?.material.length ?? 0;
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
  }
}

export function createPathCache(options: PathCacheOptions = {}): PathCache {
  return new PathCache(options);
}
