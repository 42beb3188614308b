import { type SignatureOutcome, verifySignature } from '../signature';

/**
 * Signature checks for one request (certificates and CRLs), through `verifySignature`, cached by
 * (signer key, signed object) and counted against one budget. `null` means the budget is spent.
 */
export class SignatureChecker {
  count = 0;
  exceeded = false;
  private readonly cache = new Map<string, SignatureOutcome>();

  constructor(
    private readonly subtle: SubtleCrypto,
    private readonly max: number,
  ) {}

  async verify(
    signerSpkiHash: string,
    objectHash: string,
    input: { spki: Uint8Array; algorithm: Uint8Array; data: Uint8Array; signature: Uint8Array },
  ): Promise<SignatureOutcome | null> {
    const key = `${signerSpkiHash}:${objectHash}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.count >= this.max) {
      this.exceeded = true;
      return null;
    }
    this.count++;
    const outcome = await verifySignature(this.subtle, input);
    this.cache.set(key, outcome);
    return outcome;
  }
}
