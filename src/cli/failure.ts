import { EXIT } from './exit-codes';

/**
 * Why something could not be decided, as a value: the server's problem `code` (UNKNOWN_VENDOR,
 * SIGNATURE_UNREADABLE, UNAUTHORIZED, ...) or the command's own, a stable list documented in
 * docs/pipelines.md ("Codes the command gives itself"): pipelines branch on them as on the server's.
 */
export interface Failure {
  code: string;
  detail: string;
  exit: typeof EXIT.INPUT | typeof EXIT.SERVER;
  /** The HTTP status the server answered with, when it answered. */
  status?: number;
}

export const inputFailure = (code: string, detail: string, status?: number): Failure => ({
  code,
  detail,
  exit: EXIT.INPUT,
  ...(status !== undefined ? { status } : {}),
});

export const serverFailure = (code: string, detail: string, status?: number): Failure => ({
  code,
  detail,
  exit: EXIT.SERVER,
  ...(status !== undefined ? { status } : {}),
});

export const usage = (detail: string): Failure => inputFailure('USAGE', detail);

export const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Failure).code === 'string' &&
  ((value as Failure).exit === EXIT.INPUT || (value as Failure).exit === EXIT.SERVER);
