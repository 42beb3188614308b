import { toHex } from '../../encoding';
import type { ParsedCertificate } from '../certificate';
import { type AlgorithmOptions, type SignatureOutcome, verifySignature } from '../signature';
import { sha256 } from '../sync-hash';
import type { ParsedCrl } from './crl';

/** Anything signed the X.509 way: to-be-signed bytes, an AlgorithmIdentifier and a signature value. */
export interface SignedObject {
  sha256Hex: string;
  tbs: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signatureValue: Uint8Array;
}

/** A certificate's, CRL's or OCSP response's signature under `signer`'s key, as `verifySignature` takes it. */
const signedPart = (signer: ParsedCertificate, object: SignedObject) => ({
  spki: signer.spki,
  algorithm: object.signatureAlgorithm,
  data: object.tbs,
  signature: object.signatureValue,
});

/**
 * Signature checks for one request (certificates, CRLs and OCSP responses), through `verifySignature`, cached by
 * (signer key, signed object) and counted against one budget. `null` means the budget is spent.
 *
 * `inherited` maps a DSA key without parameters (by SPKI hash) to the same key with the parameters it
 * inherits on the path being validated; the builder sets it per path, and checks under such a key use it.
 */
export class SignatureChecker {
  count = 0;
  exceeded = false;
  inherited: ReadonlyMap<string, Uint8Array> = new Map();
  private readonly cache = new Map<string, SignatureOutcome>();

  constructor(
    private readonly subtle: SubtleCrypto,
    private readonly max: number,
    private readonly options: AlgorithmOptions = {},
  ) {}

  /** Did `signer`'s key sign `certificate`? */
  signs(signer: ParsedCertificate, certificate: ParsedCertificate): Promise<SignatureOutcome | null> {
    return this.verify(signer.spkiSha256Hex, certificate.sha256Hex, signedPart(signer, certificate));
  }

  /** Did `signer`'s key sign `crl`? */
  signsCrl(signer: ParsedCertificate, crl: ParsedCrl): Promise<SignatureOutcome | null> {
    return this.verify(signer.spkiSha256Hex, `crl:${crl.sha256Hex}`, signedPart(signer, crl));
  }

  /** Did `signer`'s key sign this BasicOCSPResponse (its tbsResponseData as received)? */
  signsOcspResponse(signer: ParsedCertificate, response: SignedObject): Promise<SignatureOutcome | null> {
    return this.verify(signer.spkiSha256Hex, `ocsp:${response.sha256Hex}`, signedPart(signer, response));
  }

  private async verify(
    signerSpkiHash: string,
    objectHash: string,
    input: { spki: Uint8Array; algorithm: Uint8Array; data: Uint8Array; signature: Uint8Array },
  ): Promise<SignatureOutcome | null> {
    const completed = this.inherited.get(signerSpkiHash);
    const signer = completed ? `${signerSpkiHash}+${toHex(sha256(completed))}` : signerSpkiHash;
    const key = `${signer}:${objectHash}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.count >= this.max) {
      this.exceeded = true;
      return null;
    }
    this.count++;
    const outcome = await verifySignature(
      this.subtle,
      completed ? { ...input, spki: completed } : input,
      this.options,
    );
    this.cache.set(key, outcome);
    return outcome;
  }
}
