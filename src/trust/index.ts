export { type AuditContext, type AuditTarget, auditEntry } from './audit-entry';
export type { CrlRecord, CrlRepository, CrlSummary } from './crl-store';
export { MAX_CRLS_PER_ISSUER } from './crl-store';
export {
  createInMemoryTrustRepository,
  type InMemoryTrustRepository,
} from './in-memory-trust-repository';
export * from './model';
export { pathAnchorsOf } from './path-anchors';
export type {
  AuditReader,
  ConsoleSession,
  SessionRepository,
  TokenRepository,
  TrustRepository,
} from './ports';
export {
  importSeed,
  parseVendorFile,
  SeedError,
  type SeedReport,
  type SeedVendor,
  type VendorFile,
  vendorFileSchema,
} from './seed';
