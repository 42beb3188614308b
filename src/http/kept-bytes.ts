import { nextTurn } from './next-turn';

/**
 * Bytes a request keeps while it arrives (an artifact sent before its signature), in one resizable
 * ArrayBuffer: it grows in place as chunks come (no list of 64 KiB copies for the collector to walk, no
 * final concatenation), and a request that ends before anyone read the bytes (refused, cut, aborted) gives
 * the memory back to the operating system at once with `free()`, instead of whenever a major GC runs. Once
 * `bytes()` handed them out they are left to the GC: a verifier may keep views into what it read.
 */
/** Most bytes committed or given back in one resize. */
const RESIZE_STEP = 8 * 1024 * 1024;

export class KeptBytes {
  private buffer: ArrayBuffer;
  private handedOut = false;
  size = 0;

  constructor(readonly capacity: number) {
    // Only address space is reserved up front; pages are committed as the buffer grows.
    this.buffer = new ArrayBuffer(0, { maxByteLength: capacity });
  }

  /** Appends `chunk`; the caller keeps within `capacity`. */
  append(chunk: Uint8Array) {
    const at = this.size;
    this.size += chunk.byteLength;
    if (this.size > this.buffer.byteLength) {
      // Grown by doubling (each resize commits pages: one per 64 KiB chunk cost more than the copy), by at
      // most 8 MiB at a time (committing and zeroing 32 MiB at once held the event loop tens of ms).
      const grown = Math.min(2 * this.buffer.byteLength, this.buffer.byteLength + RESIZE_STEP);
      this.buffer.resize(Math.min(this.capacity, Math.max(this.size, grown, 65_536)));
    }
    new Uint8Array(this.buffer, at, chunk.byteLength).set(chunk);
  }

  /** The bytes kept, without a copy. */
  bytes(): Uint8Array {
    this.handedOut = true;
    return new Uint8Array(this.buffer, 0, this.size);
  }

  /** Gives the memory back now, unless the bytes were handed out (then the GC does, later). */
  free() {
    if (!this.handedOut) this.discard();
  }

  /**
   * Gives the memory back now: only for a caller that knows no view of `bytes()` is used any more. Shrunk
   * 8 MiB per turn of the event loop: giving back 64 MiB in one resize held the loop 80-140 ms on a busy
   * server (17 ms when idle), and stalled uploads are cut together.
   */
  discard() {
    this.size = 0;
    const buffer = this.buffer;
    const shrink = () => {
      buffer.resize(Math.max(0, buffer.byteLength - RESIZE_STEP));
      if (buffer.byteLength > 0) void nextTurn().then(shrink);
    };
    shrink();
  }
}
