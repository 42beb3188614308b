import { type EnvelopeLimits, OID_DATA, readCmsEnvelope } from './cms-envelope';
import { digestAlgorithm, type HashName } from './signature';

/**
 * The hash the signature's single signer digests the artifact with, when the artifact can be hashed as
 * it is read (and then passed as a digest): null when the signature cannot be read within `limits`, or
 * its signer has no signed attributes (its signature covers the artifact's bytes themselves, so they are
 * needed whole), or signs something other than id-data (an Authenticode signature commits to the PE image
 * hash, which only the file's own bytes give), or names a digest that is refused. Read through the envelope memo: pass the limits the
 * verification reads the signature with and the parse is done once for both.
 */
export function streamableDigest(signature: Uint8Array, limits: EnvelopeLimits): HashName | null {
  const parsed = readCmsEnvelope(signature, { ...limits, maxSigners: 1 });
  if (!parsed.ok) return null;
  const signer = parsed.envelope.signers[0];
  if (!signer?.signedAttributes || parsed.envelope.contentType !== OID_DATA) return null;
  const digest = digestAlgorithm(signer.digestAlgorithmOid);
  return digest.ok ? digest.hash : null;
}
