import { hexToBytes } from '../encoding';
import { TrustgateError } from '../errors';
import type { VerifyInput } from '../services/verification';
import { missingVendor, readCallerFields, withinSizeLimit } from '../services/verify-input';
import type { ArtifactInput, HashName } from '../verify';
import type { JsonBody } from './json-body';

export interface RequestLimits {
  maxArtifactBytes: number;
  maxSignatureBytes: number;
}

const DIGEST = /^(sha256|sha384|sha512):([0-9a-fA-F]+)$/;
const DIGEST_LENGTH: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };
const HASH_NAME: Record<string, HashName> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export function parseDigest(value: string): ArtifactInput {
  const match = DIGEST.exec(value.trim());
  const algorithm = match?.[1] ?? '';
  const bytes = match ? hexToBytes(match[2] ?? '') : null;
  if (!bytes || bytes.length !== DIGEST_LENGTH[algorithm]) {
    throw new TrustgateError(
      'DIGEST_FORMAT_INVALID',
      'digest must be sha256:<64 hex> (or sha384:/sha512: with their lengths)',
    );
  }
  return { kind: 'digest', algorithm: HASH_NAME[algorithm] as HashName, value: bytes };
}

function requireVendor(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw missingVendor();
  return value.trim();
}

function combine(
  vendor: string,
  signature: Uint8Array | null,
  artifact: Uint8Array | null,
  digest: string | null,
): VerifyInput {
  if (artifact && digest)
    throw new TrustgateError('INVALID_FIELD', 'send either artifact or digest, not both');
  const input: ArtifactInput = artifact
    ? { kind: 'bytes', bytes: artifact }
    : digest
      ? parseDigest(digest)
      : { kind: 'none' };
  // Without a signature only an artifact can be decided: a signed ZIP/JAR or PE file that carries its own.
  if (!signature && input.kind !== 'bytes') {
    throw new TrustgateError(
      'MISSING_FIELD',
      'signature is required (CMS/PKCS#7 SignedData, DER or PEM) unless the artifact is a signed ZIP/JAR or a signed PE file (Authenticode)',
    );
  }
  return { vendor, signature, artifact: input };
}

async function decodeBase64Field(body: JsonBody, value: unknown, field: string): Promise<Uint8Array | null> {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw new TrustgateError('INVALID_FIELD', `${field} must be a base64 string`);
  const bytes = await body.base64(value);
  if (!bytes) throw new TrustgateError('INVALID_FIELD', `${field} is not valid base64`);
  return bytes;
}

/** application/json: {vendor, signature (base64), artifact (base64) | digest, fileName?, jobUrl?}. */
export async function readJson(body: JsonBody, limits: RequestLimits): Promise<VerifyInput> {
  const value = body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TrustgateError('INVALID_JSON', 'the body must be a JSON object');
  }
  const record = value as Record<string, unknown>;
  const digest = body.string(record.digest);
  if (digest !== undefined && typeof digest !== 'string')
    throw new TrustgateError('INVALID_FIELD', 'digest must be a string');
  const signature = await decodeBase64Field(body, record.signature, 'signature');
  const artifact = await decodeBase64Field(body, record.artifact, 'artifact');
  const caller = readCallerFields({
    fileName: body.string(record.fileName),
    jobUrl: body.string(record.jobUrl),
  });
  const input = combine(
    requireVendor(body.string(record.vendor)),
    signature && withinSizeLimit('signature', signature, limits.maxSignatureBytes),
    artifact && withinSizeLimit('artifact', artifact, limits.maxArtifactBytes),
    digest ?? null,
  );
  return caller ? { ...input, caller } : input;
}
