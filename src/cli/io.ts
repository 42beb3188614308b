import type { ArtifactInput, HashName } from '../verify';

/** A path as the command sees it (symbolic links followed). Null: it does not exist. */
export interface FileFacts {
  size: number;
  /** `other`: a device, a pipe, a socket: never read as a package (it may never end). */
  kind: 'file' | 'directory' | 'other';
}

/** What the offline mode needs of the verification core (src/offline.ts builds it; the door passes it in). */
export interface OfflineCore {
  /** Resolves to the verdict as the server answers it; throws a `TrustgateError` for undecidable input. */
  verify(input: {
    vendor: string;
    signature: Uint8Array | null;
    artifact: ArtifactInput;
    time?: Date;
  }): Promise<unknown>;
  signerHash(signature: Uint8Array): HashName | null;
  /** Lines worth a warning about the trust-store folder (files skipped). */
  warnings: string[];
}

/**
 * Everything the command does to the world, passed in by the door (src/platform/cli.ts), so that the
 * command's logic runs the same in tests, in the bundle and from a checkout.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (the progress bar goes there). */
  stderrIsTty: boolean;
  env: Record<string, string | undefined>;
  stat(path: string): Promise<FileFacts | null>;
  /** Names in a folder (not paths). */
  listDir(path: string): Promise<string[]>;
  /** The first `maxBytes` bytes at most (ask for one more than a limit to tell "over it" without reading a huge file). */
  readFile(path: string, maxBytes: number): Promise<Uint8Array>;
  /** The file as a stream of chunks, read as it is consumed. */
  openFile(path: string): ReadableStream<Uint8Array>;
  /** The file's digest, read in slices (large artifacts offline); `onBytes` reports progress. */
  hashFile(path: string, algorithm: HashName, onBytes?: (read: number) => void): Promise<Uint8Array>;
  appendFile(path: string, text: string): Promise<void>;
  joinPath(dir: string, name: string): string;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  now(): Date;
  /** Builds the offline core over a trust-store folder, or says why the folder is not a trust store. */
  openOffline(trustStoreDir: string): Promise<OfflineCore | { invalid: string }>;
  version: string;
}
