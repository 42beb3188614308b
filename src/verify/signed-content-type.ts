import { type EnvelopeLimits, readCmsEnvelope } from './cms-envelope';

/** SpcIndirectDataContent: what an Authenticode signature signs (a PE image hash, not the file's bytes). */
export const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';

/**
 * The content type a signature signs (its eContentType), or null when it cannot be read within `limits`.
 * Read through the envelope memo, so the verification that follows parses nothing again.
 */
export function signedContentType(signature: Uint8Array, limits: EnvelopeLimits): string | null {
  const parsed = readCmsEnvelope(signature, limits);
  return parsed.ok ? parsed.envelope.contentType : null;
}
