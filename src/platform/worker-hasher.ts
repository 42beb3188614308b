/**
 * The incremental-hash port on Workers: `crypto.DigestStream` (a WritableStream that yields the digest),
 * so an artifact streamed through /verify is hashed without being held. The Workers door passes it to
 * `bootstrap` as the `createHasher` port.
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
  return {
    // Awaited by the reader, so a slow hash holds the upload back instead of queueing it in memory.
    update: (chunk) => writer.write(chunk),
    async digest() {
      await writer.close();
      return new Uint8Array(await stream.digest);
    },
  };
};
