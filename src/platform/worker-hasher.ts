/**
 * The incremental-hash port on Workers: `crypto.DigestStream` (a WritableStream that yields the digest),
 * so an artifact streamed through /verify is hashed without being held. Pass it as
 * `createApp({ ..., createHasher: createWorkerHasher })`.
 */
import type { Hasher, HasherFactory } from '../http/hasher';

interface DigestStreamLike extends WritableStream<ArrayBufferView> {
  readonly digest: Promise<ArrayBuffer>;
}
type DigestStreamConstructor = new (algorithm: string) => DigestStreamLike;

export const createWorkerHasher: HasherFactory = (algorithm): Hasher => {
  const Ctor = (globalThis.crypto as unknown as { DigestStream?: DigestStreamConstructor }).DigestStream;
  if (!Ctor) throw new Error('crypto.DigestStream is not available (not running in workerd?)');
  const stream = new Ctor(algorithm);
  const writer = stream.getWriter();
  let failed: unknown = null;
  return {
    update(chunk) {
      // The stream owns the chunk until written: hand it a copy only if the caller reuses buffers (it does not).
      writer.write(chunk).catch((error: unknown) => {
        failed = error;
      });
    },
    async digest() {
      await writer.close();
      if (failed) throw failed;
      return new Uint8Array(await stream.digest);
    },
  };
};
