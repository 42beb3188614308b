/**
 * Escalation cases and their checklists (issue 6). Pure: no I/O, time and ids are arguments. The
 * platform reads the playbook files, calls `loadPlaybooks` at start-up (refusing to start on an error),
 * stores `EscalationCase` values, renders them with `renderCase`, and posts `webhookEvent`s with
 * `deliverWebhook`.
 */

export { type ApiCalls, apiCalls, normaliseBaseUrl } from './api-calls';
export { type CaseContext, factsFromCase } from './case-facts';
export { ANY_ROOT, caseKey, caseRoot } from './case-key';
export {
  applyStep,
  type BlockedVerification,
  type CaseChangeError,
  type CaseChangeResult,
  MAX_ARTIFACT_DIGESTS,
  MAX_NOTE_LENGTH,
  type OpenOrJoinResult,
  openOrJoin,
  type ResolveInput,
  resolve,
  type StepUpdate,
} from './case-lifecycle';
export { caseView, PLAYBOOK_SCHEMA } from './case-view';
export { colonHex, normaliseHex } from './fingerprint';
export { codeSpan, escapeMarkdown, MAX_VALUE_LENGTH, neutralise } from './markdown-escape';
export {
  DEFAULT_ESCALATION_LIMITS,
  decideOpening,
  type EscalationLimits,
  escalationLimits,
  type OpeningDecision,
  type OpeningSlot,
  overflowKindOf,
} from './opening-budget';
export { type OpensslCommands, opensslCommands } from './openssl-commands';
export { type OverflowView, openOrJoinOverflow, overflowView, tallyRoot } from './overflow-case';
export {
  formatPlaybookErrors,
  type LoadPlaybooksOptions,
  type LoadPlaybooksResult,
  loadPlaybooks,
  MIN_STEPS,
  type Playbook,
  type PlaybookError,
  type PlaybookErrorCode,
  type Playbooks,
  playbookFile,
} from './playbook';
export type { EscalationEvidence, EscalationRepository, StoredCase } from './ports';
export { renderCase } from './render-case';
export { clampAttempts, MAX_WEBHOOK_ATTEMPTS, type RetryPolicy, webhookRetryDelays } from './retry-schedule';
export { type ApprovedRoot, casesSettledByRoot } from './settled-by-root';
export * from './types';
export {
  type RememberedRejection,
  rememberedRejection,
  type VerdictEscalation,
  type VerdictOverflow,
  verdictEscalation,
} from './verdict-escalation';
export {
  deliverWebhook,
  timerSleep,
  type WebhookDelivery,
  type WebhookDeps,
  type WebhookOptions,
} from './webhook';
export {
  type CaseSummary,
  caseSummary,
  type WebhookEvent,
  type WebhookEventType,
  webhookEvent,
} from './webhook-event';
export {
  createWebhookSigner,
  parseWebhookSecrets,
  signedContent,
  WEBHOOK_SECRET_MAX_BYTES,
  WEBHOOK_SECRET_MIN_BYTES,
  WEBHOOK_SECRET_PREFIX,
  type WebhookMessage,
  type WebhookSecretsParse,
  type WebhookSigner,
} from './webhook-signature';
