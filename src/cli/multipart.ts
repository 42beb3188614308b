import { toHex } from '../encoding';

/**
 * The /verify request as multipart/form-data in the order the server streams best: `vendor` (looked
 * up before anything is parsed), `time`, `signature`, then the artifact, which is read from disk as the
 * upload consumes it (the server hashes it with the signer's algorithm and never holds it).
 */
export interface MultipartParts {
  fields: Array<[name: string, value: string]>;
  signature: Uint8Array | null;
  artifact: ReadableStream<Uint8Array>;
  /** Bytes of the artifact sent so far. */
  onArtifactBytes?: (sent: number) => void;
}

const encoder = new TextEncoder();

export function multipartBoundary(random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(18));
  return `trustgate-${toHex(bytes)}`;
}

// Field names are the command's own and file names are fixed: nothing the user typed reaches a header.
const fieldHead = (boundary: string, name: string) =>
  `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n`;
const fileHead = (boundary: string, name: string) =>
  `--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${name}"\r\ncontent-type: application/octet-stream\r\n\r\n`;

export function multipartBody(boundary: string, parts: MultipartParts): ReadableStream<Uint8Array> {
  let head = '';
  for (const [name, value] of parts.fields) head += `${fieldHead(boundary, name)}${value}\r\n`;
  const prefix: Uint8Array[] = [encoder.encode(head)];
  if (parts.signature) {
    prefix.push(encoder.encode(fileHead(boundary, 'signature')), parts.signature, encoder.encode('\r\n'));
  }
  prefix.push(encoder.encode(fileHead(boundary, 'artifact')));
  const suffix = encoder.encode(`\r\n--${boundary}--\r\n`);
  const reader = parts.artifact.getReader();
  let sent = 0;
  let finished = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = prefix.shift();
      if (next) {
        controller.enqueue(next);
        return;
      }
      if (finished) return;
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        controller.enqueue(suffix);
        controller.close();
        return;
      }
      sent += value.byteLength;
      parts.onArtifactBytes?.(sent);
      controller.enqueue(value);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
}
