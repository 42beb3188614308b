import type { Refusal } from './root-proposal';
import { BOOTSTRAP_ADMIN_NAME } from './tokens';

/**
 * Who made whose token: for a token name, the names of the tokens that created it, nearest first (e.g.
 * alice2 -> [alice, bootstrap-admin]). A person who can mint tokens could otherwise approve their own
 * proposal under a second name.
 */
export interface ApprovalLineage {
  proposer: string[];
  approver: string[];
}

/**
 * Why `approver` may not approve what `proposer` proposed, or null when they are independent: neither is
 * the other, nor made the other's token (directly or through tokens in between), nor do their tokens
 * descend from one maker other than the bootstrap admin. `what` names the thing for the message.
 */
export function independenceRefusal(
  proposer: string,
  approver: string,
  lineage: ApprovalLineage,
  what: string,
): Refusal | null {
  if (proposer === approver) {
    return {
      ok: false,
      code: 'SELF_APPROVAL_FORBIDDEN',
      detail: `${approver} proposed this ${what}; another admin must approve it`,
    };
  }
  // Two tokens minted by one person (siblings, or cousins further down) are that one person twice. The
  // bootstrap admin only hands out the first tokens, so sharing it as an ancestor says nothing.
  const approverAncestors = new Set(lineage.approver.filter((name) => name !== BOOTSTRAP_ADMIN_NAME));
  const sharedMaker = lineage.proposer.find(
    (name) => name !== BOOTSTRAP_ADMIN_NAME && approverAncestors.has(name),
  );
  if (
    lineage.approver.includes(proposer) ||
    lineage.proposer.includes(approver) ||
    sharedMaker !== undefined
  ) {
    return {
      ok: false,
      code: 'SELF_APPROVAL_FORBIDDEN',
      detail: `${approver} and ${proposer} are not independent (one's token was made by the other's line); an admin whose token neither made nor was made by ${proposer}'s must approve it`,
    };
  }
  return null;
}
