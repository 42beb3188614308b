import { z } from 'zod';
import { REVOCATION_POLICIES } from './model';

const anchorSettings = z.record(
  z.string(),
  z
    .object({
      distrustAfter: z.string().datetime({ offset: true }).optional(),
      keyCompromise: z.boolean().optional(),
    })
    .strict(),
);

/** `trust-store/<vendor>/vendor.json`: every field optional; unknown fields are refused to catch typos. */
export const vendorFileSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    contacts: z
      .array(
        z.object({
          name: z.string().min(1).max(200),
          channel: z.string().min(1).max(50),
          value: z.string().min(1).max(500),
        }),
      )
      .max(50)
      .optional(),
    feeds: z.array(z.string().url()).max(50).optional(),
    identityRules: z.array(z.unknown()).max(50).optional(),
    /** What missing revocation information does (default best-effort); see trust/model.ts. */
    revocationPolicy: z.enum(REVOCATION_POLICIES).optional(),
    /**
     * Per-root settings keyed by the root's SHA-256 (hex, colons allowed): `distrustAfter` limits the root
     * to signatures made before it; `keyCompromise: true` distrusts every signature under it.
     */
    roots: anchorSettings.optional(),
    /** The same per-certificate settings for the pinned signers of `signers/` (trust/model.ts AnchorKind). */
    signers: anchorSettings.optional(),
  })
  .strict();

export type VendorFile = z.infer<typeof vendorFileSchema>;

export class SeedError extends Error {}

export function parseVendorFile(vendorId: string, text: string): VendorFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(`trust-store/${vendorId}/vendor.json is not JSON: ${(error as Error).message}`);
  }
  const parsed = vendorFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new SeedError(
      `trust-store/${vendorId}/vendor.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
