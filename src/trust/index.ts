export * from './model';
export { pathAnchorsOf } from './path-anchors';
export type { AuditReader, TokenRepository, TrustRepository } from './ports';
export {
  importSeed,
  parseVendorFile,
  SeedError,
  type SeedReport,
  type SeedVendor,
  type VendorFile,
  vendorFileSchema,
} from './seed';
