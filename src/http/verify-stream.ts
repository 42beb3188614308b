/**
 * POST /verify as multipart/form-data, read as a stream: small fields (vendor, digest, time, signature)
 * are kept, the artifact is hashed as it arrives and never held, whatever its size (up to
 * `maxStreamedArtifactBytes`).
 *
 * The signer's digest algorithm is known only from the signature, so the order of the parts matters:
 * - `signature` before `artifact` (the order pipelines should use, with `vendor` first): the artifact is
 *   hashed with the signer's algorithm and nothing of it is kept.
 * - `artifact` first: it is hashed with SHA-256 and also kept up to `maxArtifactBytes` (64 MiB), so that
 *   a signer using SHA-384/512, a signature without signed attributes, or a signed JAR (no signature part)
 *   is still verified as before. Past 64 MiB the copy is dropped and only the SHA-256 goes on; if the
 *   signer then turns out to need anything else, the request is refused with a code that says to send
 *   `signature` first.
 * A signature without signed attributes covers the artifact itself: its artifact is kept (within 64 MiB).
 * Without an injected hasher, artifacts are kept within 64 MiB as before.
 *
 * The vendor is looked up as soon as its part ends, and no byte of the signature is parsed before it is
 * known: an unknown vendor is refused (UNKNOWN_VENDOR) without a parse. So `vendor` must also come before
 * `artifact` for the artifact to be hashed with the signer's algorithm; after it, the artifact is read as
 * if it came before the signature. Every byte kept (fields, the signature, an artifact copy) is held in
 * the request's budget reservation as it arrives.
 */
import { TrustgateError } from '../errors';
import type { VendorSnapshot } from '../services/store-version-cache';
import type { VerifyInput } from '../services/verification';
import { missingVendor, readCallerFields } from '../services/verify-input';
import { type ArtifactInput, type HashName, streamableDigest } from '../verify';
import type { Hasher, HasherFactory } from './hasher';
import { KeptBytes } from './kept-bytes';
import { boundaryOf, MultipartError, type PartSink, readMultipartStream } from './multipart-stream';
import type { BufferReservation } from './request-budget';
import { parseDigest, type RequestLimits } from './verify-request';

export interface StreamLimits extends RequestLimits {
  /** Largest artifact streamed (hashed, not kept) through a multipart body. */
  maxStreamedArtifactBytes: number;
}

const MAX_TEXT_FIELD = 4096;
const MAX_OTHER_FIELD = 64 * 1024;
/** Short text parts, read whole (within MAX_TEXT_FIELD bytes); `fileName`, `jobUrl`: the caller's context. */
const TEXT_FIELDS = ['digest', 'time', 'fileName', 'jobUrl'];
/** Parts that may be given once. */
const KNOWN_FIELDS = ['artifact', 'signature', 'vendor', ...TEXT_FIELDS];

class Collector implements PartSink {
  chunks: Uint8Array[] = [];
  size = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
    private readonly reservation: BufferReservation,
  ) {}
  write(chunk: Uint8Array) {
    if (this.size + chunk.byteLength > this.max)
      throw new TrustgateError('PAYLOAD_TOO_LARGE', `${this.what} is over ${this.max} bytes`);
    this.reservation.hold(chunk.byteLength);
    this.size += chunk.byteLength;
    this.chunks.push(chunk.slice());
  }
  end(): void | Promise<void> {}
  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0] as Uint8Array;
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.chunks = [out]; // one copy from here on, however often it is asked for
    return out;
  }
}

/** The digest algorithm the signature's signer committed to, when its bytes can be hashed as they come. */
const streamableAlgorithm = (signature: Uint8Array, limits: RequestLimits): HashName | null =>
  streamableDigest(signature, {
    maxSignatureBytes: limits.maxSignatureBytes,
    maxCertificates: 32,
    maxSigners: 1,
  });

class ArtifactSink implements PartSink {
  private hasher: Hasher | null;
  /** The copy kept while the signer's algorithm is unknown, within maxArtifactBytes. */
  private kept: KeptBytes | null;
  size = 0;
  digest: Uint8Array | null = null;

  constructor(
    readonly algorithm: HashName | null,
    createHasher: HasherFactory | undefined,
    keep: boolean,
    private readonly limits: StreamLimits,
    private readonly reservation: BufferReservation,
  ) {
    this.hasher = algorithm && createHasher ? createHasher(algorithm) : null;
    this.kept = keep || !this.hasher ? new KeptBytes(limits.maxArtifactBytes) : null;
    // A request that ends before the copy was read (refused, cut, aborted) gives its memory back at once.
    reservation.onRelease(() => this.kept?.free());
  }

  async write(chunk: Uint8Array) {
    this.size += chunk.byteLength;
    if (this.kept && this.size > this.limits.maxArtifactBytes) {
      if (!this.hasher) {
        throw new TrustgateError(
          'PAYLOAD_TOO_LARGE',
          `artifact is over ${this.limits.maxArtifactBytes} bytes`,
        );
      }
      // Too large to keep: hashed only from here on.
      this.reservation.giveBack(this.kept.size);
      this.kept.free();
      this.kept = null;
    }
    if (this.size > this.limits.maxStreamedArtifactBytes) {
      throw new TrustgateError(
        'PAYLOAD_TOO_LARGE',
        `artifact is over ${this.limits.maxStreamedArtifactBytes} bytes`,
      );
    }
    if (this.kept) {
      this.reservation.hold(chunk.byteLength);
      this.kept.append(chunk);
    }
    if (this.hasher) await this.hasher.update(chunk);
  }

  async end() {
    if (this.hasher) this.digest = await this.hasher.digest();
  }

  keptBytes(): Uint8Array | null {
    return this.kept ? this.kept.bytes() : null;
  }
}

export interface StreamedForm {
  input: VerifyInput;
  /** The `time` field, when given (the route checks who may set it). */
  time: string | null;
}

export interface StreamOptions {
  /** Incremental hashing of streamed artifacts; without it artifacts are kept (within 64 MiB). */
  createHasher?: HasherFactory | undefined;
  /** Where the bytes this request keeps are held (the global request budget). */
  reservation: BufferReservation;
  /** Refuses an unknown vendor (UNKNOWN_VENDOR); called before any signature byte is parsed. */
  requireVendor: (vendorId: string) => Promise<VendorSnapshot>;
}

/** The `vendor` part: looked up as soon as it ends. */
class VendorField extends Collector {
  known: VendorSnapshot | null = null;
  constructor(
    reservation: BufferReservation,
    private readonly requireVendor: (vendorId: string) => Promise<VendorSnapshot>,
  ) {
    super(MAX_TEXT_FIELD, 'vendor', reservation);
  }
  value(): string {
    return new TextDecoder().decode(this.bytes()).trim();
  }
  override async end() {
    const vendor = this.value();
    if (vendor === '') return; // refused as MISSING_FIELD once the body is read
    this.known = await this.requireVendor(vendor);
  }
}

export async function readMultipartStreaming(
  body: ReadableStream<Uint8Array> | Uint8Array | null,
  contentType: string,
  limits: StreamLimits,
  options: StreamOptions,
): Promise<StreamedForm> {
  const { createHasher, reservation } = options;
  const boundary = boundaryOf(contentType);
  if (!body || !boundary) throw new TrustgateError('BAD_REQUEST', 'the multipart body cannot be parsed');
  const seen = new Set<string>();
  const text = new Map<string, Collector>();
  let signature: Collector | null = null;
  let artifact: ArtifactSink | null = null;
  let vendorField: VendorField | null = null;
  // The signature is parsed (for its digest algorithm) only once the vendor is known to exist.
  const vendorKnown = () => (vendorField as VendorField | null)?.known != null;

  try {
    await readMultipartStream(
      body,
      boundary,
      (part) => {
        if (KNOWN_FIELDS.includes(part.name)) {
          if (seen.has(part.name))
            throw new TrustgateError('INVALID_FIELD', `${part.name} is given more than once`);
          seen.add(part.name);
        }
        if (part.name === 'signature') {
          signature = new Collector(limits.maxSignatureBytes, 'signature', reservation);
          return signature;
        }
        if (part.name === 'artifact') {
          const known =
            signature && vendorKnown() ? streamableAlgorithm((signature as Collector).bytes(), limits) : null;
          artifact = known
            ? new ArtifactSink(known, createHasher, false, limits, reservation)
            : new ArtifactSink('SHA-256', createHasher, true, limits, reservation);
          return artifact;
        }
        if (part.name === 'vendor') {
          vendorField = new VendorField(reservation, options.requireVendor);
          return vendorField;
        }
        if (TEXT_FIELDS.includes(part.name)) {
          const field = new Collector(MAX_TEXT_FIELD, part.name, reservation);
          text.set(part.name, field);
          return field;
        }
        // unknown fields: read, bounded, ignored
        return new Collector(MAX_OTHER_FIELD, `field ${part.name}`, reservation);
      },
      {
        maxBodyBytes: limits.maxStreamedArtifactBytes + limits.maxSignatureBytes + 1024 * 1024,
      },
    );
  } catch (error) {
    if (error instanceof MultipartError) {
      throw new TrustgateError(
        error.tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
        error.tooLarge ? error.message : `the multipart body cannot be parsed: ${error.message}`,
      );
    }
    throw error;
  }

  const decode = (name: string) => {
    const field = text.get(name);
    return field ? new TextDecoder().decode(field.bytes()) : null;
  };
  const vendor = (vendorField as VendorField | null)?.value() ?? '';
  if (vendor === '') throw missingVendor();
  const known = (vendorField as VendorField | null)?.known ?? (await options.requireVendor(vendor));
  const digest = decode('digest');
  const signatureBytes = (signature as Collector | null)?.bytes() ?? null;
  const streamed = artifact as ArtifactSink | null;
  if (streamed && digest !== null)
    throw new TrustgateError('INVALID_FIELD', 'send either artifact or digest, not both');

  let input: ArtifactInput = { kind: 'none' };
  if (streamed) {
    const kept = streamed.keptBytes();
    if (kept) input = { kind: 'bytes', bytes: kept };
    else if (streamed.digest && streamed.algorithm) {
      const needed = signatureBytes ? streamableAlgorithm(signatureBytes, limits) : null;
      if (!signatureBytes) {
        throw new TrustgateError(
          'PAYLOAD_TOO_LARGE',
          `artifact is over ${limits.maxArtifactBytes} bytes: a signed archive or PE file without a signature part is read whole, within that limit`,
        );
      }
      if (needed !== null && needed !== streamed.algorithm) {
        throw new TrustgateError(
          'DIGEST_ALGORITHM_MISMATCH',
          `the signer used ${needed}; the artifact (over ${limits.maxArtifactBytes} bytes) came before the signature and was hashed with ${streamed.algorithm}: send the signature part before the artifact`,
        );
      }
      input = { kind: 'digest', algorithm: streamed.algorithm, value: streamed.digest };
    }
  } else if (digest !== null) {
    input = parseDigest(digest);
  }
  if (!signatureBytes && input.kind !== 'bytes') {
    throw new TrustgateError('MISSING_FIELD', 'signature is required (CMS/PKCS#7 SignedData, DER or PEM)');
  }
  // A body read whole was looked up a moment ago: verify against that. A streamed one may have taken
  // minutes to arrive: the store is read again (a root distrusted meanwhile must count).
  const fresh = body instanceof Uint8Array ? { known } : {};
  const caller = readCallerFields({ fileName: decode('fileName'), jobUrl: decode('jobUrl') });
  return {
    input: { vendor, signature: signatureBytes, artifact: input, ...fresh, ...(caller ? { caller } : {}) },
    time: decode('time'),
  };
}
