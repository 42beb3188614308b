import { type ApprovalLineage, independenceRefusal } from './approvals';
import type { Anchor } from './model';
import { notPending, type Refusal } from './root-proposal';

export type { ApprovalLineage } from './approvals';

/**
 * State changes of a stored root. Giving trust (pending -> active) takes a second admin; taking it away
 * (distrust, retire, an earlier distrust date) takes one. Nothing here gives trust back to a root that
 * was distrusted or retired.
 */
export type Transition = { ok: true; anchor: Anchor } | Refusal;

const moved = (anchor: Anchor, now: Date, change: Partial<Anchor>): Anchor => ({
  ...anchor,
  ...change,
  version: anchor.version + 1,
  updatedAt: now.toISOString(),
});

/**
 * pending -> active, by an admin independent of the proposer (neither is the other, nor made the other's
 * token, directly or through tokens in between, nor do their tokens descend from one maker other than the
 * bootstrap admin), while the root is still within its validity.
 */
export function approveRoot(
  anchor: Anchor,
  approver: string,
  now: Date,
  lineage: ApprovalLineage = { proposer: [], approver: [] },
): Transition {
  if (anchor.state !== 'pending') return notPending('root', anchor.state, 'approved');
  const refusal = independenceRefusal(anchor.proposedBy ?? '', approver, lineage, 'root');
  if (refusal) return refusal;
  if (new Date(anchor.notAfter).getTime() <= now.getTime()) {
    return { ok: false, code: 'ROOT_EXPIRED', detail: `the root expired at ${anchor.notAfter}` };
  }
  return { ok: true, anchor: moved(anchor, now, { state: 'active', approvedBy: approver }) };
}

/**
 * active -> distrusted from `after` on (signatures whose signer was issued, or timestamped, before it still
 * chain to the root). A distrusted root may only have its date moved earlier: a later date would give
 * trust back, which needs the two-person path. A root distrusted for key compromise stays so: a date
 * would give back every signature before it.
 */
export function distrustRoot(anchor: Anchor, after: Date, now: Date): Transition {
  if (anchor.keyCompromise) return keyCompromisedAlready();
  const iso = after.toISOString();
  if (anchor.state === 'active')
    return { ok: true, anchor: moved(anchor, now, { state: 'distrusted', distrustAfter: iso }) };
  if (anchor.state === 'distrusted' && anchor.distrustAfter) {
    if (after.getTime() < new Date(anchor.distrustAfter).getTime()) {
      return { ok: true, anchor: moved(anchor, now, { distrustAfter: iso }) };
    }
    return {
      ok: false,
      code: 'INVALID_STATE',
      detail: `the root is already distrusted from ${anchor.distrustAfter}; only an earlier date takes trust away`,
    };
  }
  return notAnchoring(anchor);
}

/**
 * active or distrusted -> distrusted for key compromise: the root vouches for no signature from now on,
 * whatever its dates or a trusted timestamp (whoever holds the key can backdate both). It only takes trust
 * away, so one admin may do it. `distrustAfter` is kept as the date the compromise is known from (`after`,
 * else the earlier of the stored date and now): informative, and a limit still if the mark were lost.
 */
export function distrustForKeyCompromise(anchor: Anchor, after: Date | null, now: Date): Transition {
  if (anchor.keyCompromise) return keyCompromisedAlready();
  if (anchor.state !== 'active' && !(anchor.state === 'distrusted' && anchor.distrustAfter))
    return notAnchoring(anchor);
  const dates = [after ?? now];
  if (anchor.state === 'distrusted' && anchor.distrustAfter) dates.push(new Date(anchor.distrustAfter));
  const earliest = new Date(Math.min(...dates.map((d) => d.getTime())));
  return {
    ok: true,
    anchor: moved(anchor, now, {
      state: 'distrusted',
      distrustAfter: earliest.toISOString(),
      keyCompromise: true,
    }),
  };
}

const keyCompromisedAlready = (): Transition => ({
  ok: false,
  code: 'INVALID_STATE',
  detail:
    'the root is distrusted for key compromise and anchors no signature; no distrust date can narrow that, and none may widen it',
});

const notAnchoring = (anchor: Anchor): Transition => ({
  ok: false,
  code: 'INVALID_STATE',
  detail: `the root is ${anchor.state} and anchors nothing; distrusting it would give it trust (retire it instead)`,
});

/** pending, active or distrusted -> retired: the root anchors nothing from now on. */
export function retireRoot(anchor: Anchor, now: Date): Transition {
  if (anchor.state === 'retired')
    return { ok: false, code: 'INVALID_STATE', detail: 'the root is already retired' };
  return { ok: true, anchor: moved(anchor, now, { state: 'retired' }) };
}
