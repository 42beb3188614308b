import { TrustgateError } from '../errors';
import type { AdminDeps } from './admin-deps';

/** Longer chains of tokens minting tokens are refused rather than cut short (a cut hides the maker). */
const MAX_TOKEN_LINEAGE = 1000;

/** The names of the tokens that made `name`'s token, nearest first, all the way to the first maker. */
export async function tokenLineage(deps: AdminDeps, name: string | null): Promise<string[]> {
  const lineage: string[] = [];
  const seen = new Set<string>();
  let current = name;
  while (current && deps.tokens && !seen.has(current)) {
    seen.add(current);
    const token = await deps.tokens.getByName(current);
    if (!token) break;
    lineage.push(token.createdBy);
    if (lineage.length > MAX_TOKEN_LINEAGE) {
      throw new TrustgateError(
        'SELF_APPROVAL_FORBIDDEN',
        `the token ${name} descends from more than ${MAX_TOKEN_LINEAGE} tokens; its independence cannot be shown`,
      );
    }
    current = token.createdBy;
  }
  return lineage;
}
