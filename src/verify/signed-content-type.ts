import { type EnvelopeLimits, readCmsEnvelope } from './cms-envelope';

/**
 * The content type a signature signs (its eContentType), or null when it cannot be read within `limits`.
 * Read through the envelope memo, so the verification that follows parses nothing again.
 */
export function signedContentType(signature: Uint8Array, limits: EnvelopeLimits): string | null {
  const parsed = readCmsEnvelope(signature, limits);
  return parsed.ok ? parsed.envelope.contentType : null;
}
