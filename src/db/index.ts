export { createAuditReader } from './audit-repository';
export type { Database } from './database';
export { createEscalationRepository } from './escalation-repository';
export { createRevocationMemory } from './revocation-memory-repository';
export * as schema from './schema';
export { createSessionRepository } from './session-repository';
export { createTokenRepository } from './token-repository';
export { createTrustRepository } from './trust-repository';
