import type { HashName } from '../verify';

/** An incremental hash: bytes in as they arrive, the digest at the end. */
export interface Hasher {
  update(chunk: Uint8Array): void | Promise<void>;
  digest(): Promise<Uint8Array>;
}

/**
 * Makes incremental hashers; injected per platform (the createHasher port of bootstrap): node:crypto createHash on
 * Node (src/platform/node.ts), crypto.DigestStream on Workers (src/platform/worker-hasher.ts).
 */
export type HasherFactory = (algorithm: HashName) => Hasher;
