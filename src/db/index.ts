export type { Database } from './database';
export * as schema from './schema';
export { createTrustRepository } from './trust-repository';
