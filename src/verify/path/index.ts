/**
 * Certificate path building and validation: the public surface of `verify/path`.
 *
 * `buildAndValidatePath` builds candidate paths from the leaf through the given intermediates to one of
 * the anchors (backtracking, bounded by `limits`) and validates each per RFC 5280 §6.1 for what code
 * signing needs. Time, anchors and crypto (`subtle`) are arguments; nothing here does I/O.
 *
 * Defaults: `limits.maxDepth` 8 intermediates that are not self-issued (plus up to 4 self-issued ones),
 * 64 signature checks, 64 complete paths, 65 536 name-constraint comparisons per path.
 */
import { buildPath } from './build';
import { DEFAULT_LIMITS, type PathOutcome, type PathRequest } from './types';
import { flooredTime, type ValidationContext } from './validate';

export type { PathAnchor, PathLimits, PathOutcome, PathPolicyInput, PathRequest } from './types';
export { DEFAULT_LIMITS } from './types';

export async function buildAndValidatePath(req: PathRequest): Promise<PathOutcome> {
  const ctx: ValidationContext = {
    req,
    time: flooredTime(req.time),
    nameConstraintBudget: req.limits?.maxNameConstraintChecks ?? DEFAULT_LIMITS.maxNameConstraintChecks,
    extraChecks: [],
  };
  return buildPath(req, ctx);
}
