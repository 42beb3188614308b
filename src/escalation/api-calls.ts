import { shellQuote } from './shell-quote';
import type { CaseKind } from './types';

/**
 * The trustgate API calls an engineer runs to close a case, as `curl` command lines with every value
 * shell-quoted. Tokens are read from the environment (`TRUSTGATE_TOKEN`), never written into the text.
 */

export interface ApiCalls {
  baseUrl: string;
  caseUrl: string;
  /** `POST /vendors/{vendor}/roots`, first admin: propose the root (body from `root.pem`). */
  proposeRoot: string;
  /**
   * `POST /vendors/{vendor}/signers`, first admin: pin the signer certificate instead (body from
   * `signer.pem`), when the top certificate cannot be a root; a second admin approves it.
   */
  proposeSigner: string;
  /** `POST /roots/{sha256}/approve`, a different admin. */
  approveRoot: string;
  /** `POST /escalations/{id}/resolve` with outcome `rejected`. */
  rejectCase: string;
  /** `POST /escalations/{id}/resolve` with outcome `approved` (approving the root does this already). */
  approveCase: string;
  /** `POST /escalations/{id}/steps/{n}`, with `N` as a shell variable. */
  markStep: string;
  /** Re-run `/verify` for the latest blocked artifact digest. */
  verifyAgain: string;
}

export interface ApiCallInput {
  kind?: CaseKind;
  serviceBaseUrl: string;
  caseId: string;
  vendorId: string;
  /** SHA-256 of the root to approve when it is known (the top certificate is self-issued). */
  rootSha256Hex: string | undefined;
  artifactDigest: string | undefined;
  signatureFile: string;
}

const REJECTION_NOTE: Record<CaseKind, string> = {
  'unknown-root': 'vendor did not confirm the root',
  'distrusted-root': 'root is distrusted; the package must be re-signed',
  'expired-signer-chain': 'signer chain expired; the package must be re-signed',
  'unknown-root-overflow': 'unknown roots reviewed; none confirmed by the vendor',
};

export const PLACEHOLDER_BASE_URL = 'https://trustgate.invalid';

/** The base URL without a trailing slash; a value that is not an http(s) URL gives a visible placeholder. */
export function normaliseBaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return PLACEHOLDER_BASE_URL;
    if (url.username || url.password || url.search || url.hash) return PLACEHOLDER_BASE_URL;
    return url.toString().replace(/\/+$/, '');
  } catch {
    return PLACEHOLDER_BASE_URL;
  }
}

/** Inside a double-quoted shell word, `"`, `$`, backtick and backslash are the special characters. */
const doubleQuoted = (value: string) => value.replace(/["$`\\]/g, '\\$&');

const AUTH = '-H "Authorization: Bearer $TRUSTGATE_TOKEN"';
const JSON_TYPE = "-H 'Content-Type: application/json'";

export function apiCalls(input: ApiCallInput): ApiCalls {
  const base = normaliseBaseUrl(input.serviceBaseUrl);
  const caseUrl = `${base}/escalations/${encodeURIComponent(input.caseId)}`;
  const vendor = encodeURIComponent(input.vendorId);
  const note = `escalation ${input.caseId}: fingerprints confirmed with the vendor`;
  const post = (url: string) => `curl -sS -X POST ${shellQuote(url)} ${AUTH}`;
  const json = (body: unknown) => `${JSON_TYPE} --data ${shellQuote(JSON.stringify(body))}`;
  const forVendor = `?vendor=${vendor}`;
  const rootUrl =
    input.rootSha256Hex !== undefined
      ? shellQuote(`${base}/roots/${input.rootSha256Hex}/approve${forVendor}`)
      : `"${doubleQuoted(base)}/roots/$ROOT_SHA256/approve${doubleQuoted(forVendor)}"`;
  const digest = input.artifactDigest !== undefined && /^sha256:[0-9a-f]{64}$/.test(input.artifactDigest);
  return {
    baseUrl: base,
    caseUrl,
    proposeRoot: [
      `jq -Rs --arg reason ${shellQuote(note)} '{pem: ., reason: $reason}' root.pem |`,
      `  ${post(`${base}/vendors/${vendor}/roots`)} ${JSON_TYPE} --data-binary @-`,
    ].join('\n'),
    proposeSigner: [
      `jq -Rs --arg reason ${shellQuote(`escalation ${input.caseId}: signer confirmed with the vendor`)} '{pem: ., reason: $reason}' signer.pem |`,
      `  ${post(`${base}/vendors/${vendor}/signers`)} ${JSON_TYPE} --data-binary @-`,
    ].join('\n'),
    approveRoot: `curl -sS -X POST ${rootUrl} ${AUTH} ${json({ reason: note })}`,
    rejectCase: `${post(`${caseUrl}/resolve`)} ${json({ outcome: 'rejected', note: REJECTION_NOTE[input.kind ?? 'unknown-root'] })}`,
    approveCase: `${post(`${caseUrl}/resolve`)} ${json({ outcome: 'approved', note: 'root confirmed with the vendor' })}`,
    markStep: `curl -sS -X POST "${doubleQuoted(caseUrl)}/steps/$N" ${AUTH} ${json({ done: true, note: '' })}`,
    verifyAgain: [
      `curl -sS ${shellQuote(`${base}/verify`)} ${AUTH}`,
      `  --form-string ${shellQuote(`vendor=${input.vendorId}`)}`,
      `  --form-string ${shellQuote(`digest=${digest ? input.artifactDigest : 'sha256:<artifact sha256>'}`)}`,
      `  -F ${shellQuote(`signature=@${input.signatureFile}`)}`,
    ].join(' \\\n'),
  };
}
