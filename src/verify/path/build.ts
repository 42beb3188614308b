import { bytesEqual } from '../../encoding';
import type { ParsedCertificate } from '../certificate';
import { parseDsaPublicKey, withInheritedParameters } from '../dsa';
import { type Reason, type ReasonCode, reason } from '../reasons';
import type { SignatureChecker } from './signature-checker';
import {
  MAX_SELF_ISSUED_INTERMEDIATES,
  type PathAnchor,
  type PathLimits,
  type PathOutcome,
  type PathRequest,
} from './types';
import type { ValidationContext } from './validate';
import { validatePath } from './validate';

/**
 * Depth-first path building with backtracking (RFC 4158 in spirit): from the leaf, try candidate issuers
 * whose subject equals the current certificate's issuer: anchors first, then intermediates; within each
 * group AKI/SKI matches and certificates valid at `time` first. A certificate already on the path, or
 * another certificate with the same subject and key, is never reused (cycles). Every complete path is
 * validated; the first valid one wins, otherwise the best failing path is reported.
 *
 * Budgets (depth, signature checks, paths tried) bound the work on any input; signature results are
 * cached per (issuer key, child certificate) within a request. A link whose signature the algorithm
 * policy refuses is followed but taints the path, which is then never valid.
 */

/**
 * `deferred`: the issuer's DSA key has no parameters; they come from higher up the path, so the
 * signature is checked once the path reaches an anchor (see `checkDeferred`).
 */
type Link = { kind: 'ok' } | { kind: 'bad' } | { kind: 'refused'; reason: Reason } | { kind: 'deferred' };

interface DeferredLink {
  issuer: ParsedCertificate;
  child: ParsedCertificate;
}

const NO_INHERITED: ReadonlyMap<string, Uint8Array> = new Map();

const lacksDsaParameters = (cert: ParsedCertificate): boolean =>
  parseDsaPublicKey(cert.spki)?.parameters === null;

/** Signature outcomes that are policy refusals rather than proof the issuer did not sign. */
const POLICY_REFUSALS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'WEAK_SIGNATURE_ALGORITHM',
  'WEAK_DIGEST_ALGORITHM',
  'WEAK_RSA_KEY',
  'UNSUPPORTED_ALGORITHM',
  'UNSUPPORTED_CURVE',
]);

export interface AnchorEntry {
  anchor: PathAnchor;
  cert: ParsedCertificate;
}

interface Failure {
  path: ParsedCertificate[];
  anchor: PathAnchor;
  reasons: Reason[];
}

class Builder {
  readonly limits: Required<PathLimits>;
  pathsTried = 0;
  budgetExceeded = false;
  depthExceeded = false;
  best: Failure | null = null;
  deepest: ParsedCertificate[] = [];
  readonly notes: Reason[] = [];

  constructor(
    readonly req: PathRequest,
    readonly anchors: AnchorEntry[],
    readonly intermediates: ParsedCertificate[],
    readonly ctx: ValidationContext,
    readonly checker: SignatureChecker,
    limits: Required<PathLimits>,
  ) {
    this.limits = limits;
  }

  private note(r: Reason): void {
    if (this.notes.length < 16 && !this.notes.some((x) => x.code === r.code && x.message === r.message)) {
      this.notes.push(r);
    }
  }

  /**
   * Does `issuer`'s key verify `child`'s signature? Cached; counted against the budget. A signature that
   * the algorithm policy refuses (weak digest, small RSA key, unsupported algorithm) is `refused`: the
   * search may go on through it so that the caller learns *why* a known anchor was not reached, but a
   * path with a refused link is never valid.
   */
  private async signs(issuer: ParsedCertificate, child: ParsedCertificate): Promise<Link | null> {
    if (this.req.allowDsa && lacksDsaParameters(issuer)) return { kind: 'deferred' };
    const outcome = await this.checker.signs(issuer, child);
    if (!outcome) {
      this.budgetExceeded = true;
      return null;
    }
    if (outcome.ok) return { kind: 'ok' };
    const code = outcome.reason.code;
    const message = `"${child.subject}" is not signed by the key of "${issuer.subject}": ${outcome.reason.message}`;
    if (POLICY_REFUSALS.has(code)) return { kind: 'refused', reason: reason(code, message) };
    // Another certificate of the same name but another key is the normal case when building paths (and
    // the "right name, wrong key" impostor): it says nothing about this chain. A failure is worth reporting
    // only when the keys say this is the issuer (AKI = SKI) or cannot tell.
    const akid =
      child.extensions.authorityKeyIdentifier?.keyIdentifier ??
      (child.selfIssued ? child.extensions.subjectKeyIdentifier : null);
    const skid = issuer.extensions.subjectKeyIdentifier;
    if (!akid || !skid || bytesEqual(akid, skid)) this.note(reason('CERT_SIGNATURE_INVALID', message));
    return { kind: 'bad' };
  }

  private order<T>(items: T[], certOf: (t: T) => ParsedCertificate, child: ParsedCertificate): T[] {
    const akid = child.extensions.authorityKeyIdentifier?.keyIdentifier ?? null;
    const time = this.ctx.time;
    const score = (c: ParsedCertificate): number => {
      let s = 0;
      const ski = c.extensions.subjectKeyIdentifier;
      if (akid && ski) s += bytesEqual(akid, ski) ? 0 : 4;
      else s += 2;
      if (time < c.notBefore || time > c.notAfter) s += 1;
      return s;
    };
    return items
      .map((item, index) => ({ item, index, s: score(certOf(item)) }))
      .sort((a, b) => a.s - b.s || a.index - b.index)
      .map((x) => x.item);
  }

  async search(
    path: ParsedCertificate[],
    depth: number,
    selfIssued: number,
    refused: Reason[],
    deferred: DeferredLink[],
  ): Promise<PathOutcome | null> {
    const current = path[path.length - 1] as ParsedCertificate;
    if (path.length > this.deepest.length) this.deepest = path.slice();

    const anchors = this.order(
      this.anchors.filter((a) => a.cert.subjectCanonical === current.issuerCanonical),
      (a) => a.cert,
      current,
    );
    for (const entry of anchors) {
      if (this.pathsTried >= this.limits.maxPathsTried) {
        this.budgetExceeded = true;
        return null;
      }
      const link = await this.signs(entry.cert, current);
      if (link === null) return null;
      if (link.kind === 'bad') continue;
      this.pathsTried++;
      const full = [...path, entry.cert];
      const reasons = [...refused, ...(link.kind === 'refused' ? [link.reason] : [])];
      const links =
        link.kind === 'deferred' ? [...deferred, { issuer: entry.cert, child: current }] : deferred;
      const inherited = this.req.allowDsa ? inheritedParameters(full) : NO_INHERITED;
      this.checker.inherited = inherited;
      try {
        const problems = await this.checkDeferred(links, inherited);
        if (problems === null) return null;
        reasons.push(...problems);
        for (const r of await validatePath(full, entry.anchor, this.ctx)) reasons.push(r);
      } finally {
        this.checker.inherited = NO_INHERITED;
      }
      if (reasons.length === 0) return { status: 'valid', path: full, anchor: entry.anchor };
      if (!this.best || reasons.length < this.best.reasons.length) {
        this.best = { path: full, anchor: entry.anchor, reasons };
      }
    }

    const onPath = (c: ParsedCertificate): boolean =>
      path.some(
        (p) =>
          p.sha256Hex === c.sha256Hex ||
          (p.subjectCanonical === c.subjectCanonical && p.spkiSha256Hex === c.spkiSha256Hex),
      );
    const candidates = this.order(
      this.intermediates.filter(
        (c) =>
          c.subjectCanonical === current.issuerCanonical &&
          !onPath(c) &&
          !this.anchors.some((a) => a.cert.sha256Hex === c.sha256Hex),
      ),
      (c) => c,
      current,
    );
    for (const candidate of candidates) {
      const nextDepth = candidate.selfIssued ? depth : depth + 1;
      const nextSelfIssued = candidate.selfIssued ? selfIssued + 1 : selfIssued;
      if (nextDepth > this.limits.maxDepth || nextSelfIssued > MAX_SELF_ISSUED_INTERMEDIATES) {
        this.depthExceeded = true;
        continue;
      }
      const link = await this.signs(candidate, current);
      if (link === null) return null;
      if (link.kind === 'bad') continue;
      // Every extension of a path counts: with signature results cached, copies of a CA (same name and
      // key) at several levels would otherwise multiply into exponentially many paths for free.
      if (this.pathsTried >= this.limits.maxPathsTried) {
        this.budgetExceeded = true;
        return null;
      }
      this.pathsTried++;
      const taint = link.kind === 'refused' ? [...refused, link.reason] : refused;
      const links =
        link.kind === 'deferred' ? [...deferred, { issuer: candidate, child: current }] : deferred;
      const found = await this.search([...path, candidate], nextDepth, nextSelfIssued, taint, links);
      if (found) return found;
      if (this.budgetExceeded) return null;
    }
    return null;
  }

  /** Checks the deferred DSA links of a complete path under the keys completed by `inherited`. */
  private async checkDeferred(
    links: DeferredLink[],
    inherited: ReadonlyMap<string, Uint8Array>,
  ): Promise<Reason[] | null> {
    const out: Reason[] = [];
    for (const { issuer, child } of links) {
      const message = `"${child.subject}" is not signed by the key of "${issuer.subject}"`;
      if (!inherited.has(issuer.spkiSha256Hex)) {
        out.push(
          reason(
            'CERT_SIGNATURE_INVALID',
            `${message}: its DSA key has no parameters to inherit on this path`,
          ),
        );
        continue;
      }
      const outcome = await this.checker.signs(issuer, child);
      if (!outcome) {
        this.budgetExceeded = true;
        return null;
      }
      if (!outcome.ok) {
        const code = POLICY_REFUSALS.has(outcome.reason.code)
          ? outcome.reason.code
          : 'CERT_SIGNATURE_INVALID';
        out.push(reason(code, `${message}: ${outcome.reason.message}`));
      }
    }
    return out;
  }

  budgetReasons(): Reason[] {
    const out: Reason[] = [];
    if (this.budgetExceeded || this.checker.exceeded) {
      out.push(
        reason(
          'PATH_BUDGET_EXCEEDED',
          `path search stopped after ${this.checker.count} signature checks and ${this.pathsTried} paths tried ` +
            `(limits ${this.limits.maxSignatureChecks} and ${this.limits.maxPathsTried})`,
        ),
      );
    }
    if (this.depthExceeded) {
      out.push(
        reason('PATH_LENGTH_EXCEEDED', `no path within ${this.limits.maxDepth} intermediate certificates`),
      );
    }
    return out;
  }
}

export interface BuildInput {
  leaf: ParsedCertificate;
  anchors: AnchorEntry[];
  intermediates: ParsedCertificate[];
  limits: Required<PathLimits>;
  checker: SignatureChecker;
}

export async function buildPath(
  req: PathRequest,
  ctx: ValidationContext,
  input: BuildInput,
): Promise<PathOutcome> {
  const { leaf, anchors, intermediates } = input;
  const builder = new Builder(req, anchors, intermediates, ctx, input.checker, input.limits);
  const found = await builder.search([leaf], 0, 0, [], []);
  if (found) return found;
  if (builder.best) {
    return {
      status: 'invalid',
      path: builder.best.path,
      anchor: builder.best.anchor,
      reasons: [...builder.best.reasons, ...builder.budgetReasons()],
    };
  }
  const top = builder.deepest[builder.deepest.length - 1] ?? leaf;
  return {
    status: 'no_anchor',
    path: builder.deepest,
    reasons: [
      reason('UNKNOWN_ROOT', `no trusted anchor issued "${top.issuer}"`),
      ...builder.budgetReasons(),
      ...builder.notes,
    ],
  };
}

/**
 * RFC 5280 §6.1.4 (f): a DSA key without parameters takes those of the key above it on the path, when
 * that key is DSA (with parameters of its own or inherited in turn). Maps each such key's SPKI hash to
 * the completed SPKI; a key whose issuer is not DSA gets none. A key that sits twice on the path with
 * different parameters above it gets none either: otherwise the lower place's parameters, which may come
 * from the very certificate the upper place's signature is to vouch for, would be used for both.
 */
function inheritedParameters(path: ParsedCertificate[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const ambiguous = new Set<string>();
  let above: Uint8Array | null = null;
  for (let k = path.length - 1; k >= 0; k--) {
    const cert = path[k] as ParsedCertificate;
    if (lacksDsaParameters(cert)) {
      const completed: Uint8Array | null = above ? withInheritedParameters(cert.spki, above) : null;
      const earlier = out.get(cert.spkiSha256Hex);
      if (completed && earlier && !bytesEqual(earlier, completed)) ambiguous.add(cert.spkiSha256Hex);
      else if (completed) out.set(cert.spkiSha256Hex, completed);
      above = completed;
    } else {
      above = cert.spki;
    }
  }
  for (const key of ambiguous) out.delete(key);
  return out;
}
