/**
 * The command's exit codes: a contract with every pipeline that runs it (README, docs/pipelines.md).
 * Add codes, never renumber. With several packages the highest code wins, so a pipeline never reads
 * "trusted" while any package was not.
 */
export const EXIT = {
  TRUSTED: 0,
  REJECTED: 1,
  UNKNOWN_ROOT: 2,
  /** Input or usage: a file missing, a signature unreadable, an unknown vendor, a refused token. */
  INPUT: 3,
  /** The server could not be reached, timed out, failed (5xx) or did not answer as trustgate does. */
  SERVER: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const exitOfVerdict = (verdict: 'trusted' | 'rejected' | 'unknown_root'): ExitCode =>
  verdict === 'trusted' ? EXIT.TRUSTED : verdict === 'rejected' ? EXIT.REJECTED : EXIT.UNKNOWN_ROOT;

export const worstExit = (codes: ExitCode[]): ExitCode =>
  codes.reduce<ExitCode>((worst, code) => Math.max(worst, code) as ExitCode, EXIT.TRUSTED);
