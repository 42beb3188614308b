/**
 * Revocations the service has seen, kept so that a later, older or partial CRL can never undo them
 * (a CA may drop an expired certificate from its CRLs, an attacker may offer an older CRL): once a CRL
 * whose signature checks against a validated path lists a certificate as revoked, that stays known.
 * certificateHold and removeFromCRL entries are not remembered (a hold is temporary by definition).
 *
 * The port is the verifier's; a database implements it.
 */

/** A revocation read from a CRL (or OCSP response) whose signature checked against a validated path. */
export interface KnownRevocation {
  /**
   * Who revoked it: the trust anchor the CRL verified under and the canonical name of the certificate's
   * issuer (`anchor:<anchor id>|<ParsedCertificate.issuerCanonical>`), so that one root's CA cannot speak
   * for another root's certificates by copying a name.
   */
  issuer: string;
  /** Serial number as `ParsedCertificate.serialHex` (lower-case hex of the DER INTEGER's content). */
  serial: string;
  /** CRLReason (RFC 5280 §5.3.1), or null when the CRL gave none. */
  reasonCode: number | null;
  revocationDate: Date;
  /** SHA-256 (hex) of the CRL or OCSP response it was read from. */
  evidenceSha256: string;
}

export interface RevocationMemory {
  /** Every known revocation of these certificates (by issuer and serial), in any order. */
  find(keys: ReadonlyArray<{ issuer: string; serial: string }>): Promise<KnownRevocation[]>;
  /**
   * Records revocations; an entry already held (same issuer, serial and evidence) is left as it is.
   * Nothing ever removes one.
   */
  remember(entries: readonly KnownRevocation[]): Promise<void>;
}
