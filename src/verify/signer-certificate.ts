import { bytesEqual, toHex } from '../encoding';
import { isParseError, type ParsedCertificate } from './certificate';
import { certificateIdentity } from './certificate-identity';
import { parseCertificateMemo as parseCertificate } from './certificate-memo';
import type { SignerIdentifier } from './cms-envelope';
import { derTry, parseDer } from './der';
import { parseName } from './path/names';
import { type Reason, reason } from './reasons';

export interface SignerMatch {
  certificate: ParsedCertificate | null;
  /** Why there is no certificate to use: none is named, the one named breaks the profile, or two are. */
  problem: Reason | null;
}

const canonicalName = (raw: Uint8Array): string | null => derTry(() => parseName(parseDer(raw)).canonical);

/**
 * The certificate a CMS signer names (RFC 5652 §5.3: issuer and serial, or subject key identifier) among
 * those an envelope carries. The name must point at exactly one certificate: two different certificates
 * under one name (say, an intact copy beside a corrupted one) make the envelope ambiguous, and another
 * verifier could pick the other one. A certificate that breaks the profile is still matched by its
 * identity, so that its defect is the reason given.
 */
export function findSignerCertificate(
  certificates: readonly Uint8Array[],
  sid: SignerIdentifier,
): SignerMatch {
  // The signer's issuer name in canonical form, made once and only when needed; an unreadable one
  // matches nothing.
  let wanted: string | null | undefined;
  const wantedIssuer = (): string | null => {
    if (wanted === undefined) wanted = sid.kind === 'issuerSerial' ? canonicalName(sid.issuer) : null;
    return wanted;
  };
  const matches = (serialHex: string, issuer: () => string | null, skiHex: () => string | null): boolean => {
    if (sid.kind === 'ski') {
      const ski = skiHex();
      return ski === sid.skiHex || ski === 'unreadable';
    }
    if (serialHex !== sid.serialHex) return false;
    const name = wantedIssuer();
    return name !== null && issuer() === name;
  };
  let found: { der: Uint8Array; match: SignerMatch } | null = null;
  for (const der of certificates) {
    let match: SignerMatch | null = null;
    const parsed = parseCertificate(der);
    if (isParseError(parsed)) {
      const identity = certificateIdentity(der);
      if (
        identity &&
        matches(
          identity.serialHex,
          () => canonicalName(identity.issuerRaw),
          () => identity.skiHex,
        )
      )
        match = { certificate: null, problem: parsed.error };
    } else if (
      // A strictly parsed certificate whose issuer is byte for byte the signer's issuer names the same
      // issuer (both read by the same strict reader); otherwise the canonical forms are compared.
      (sid.kind === 'issuerSerial' &&
        parsed.serialHex === sid.serialHex &&
        bytesEqual(parsed.issuerRaw, sid.issuer)) ||
      matches(
        parsed.serialHex,
        () => parsed.issuerCanonical,
        () => {
          const ski = parsed.extensions.subjectKeyIdentifier;
          return ski ? toHex(ski) : null;
        },
      )
    ) {
      match = { certificate: parsed, problem: null };
    }
    if (!match) continue;
    if (!found) found = { der, match };
    else if (!bytesEqual(found.der, der)) {
      return {
        certificate: null,
        problem: reason(
          'SIGNER_CERT_AMBIGUOUS',
          'the envelope carries two different certificates under the name the signer gives',
        ),
      };
    }
  }
  return (
    found?.match ?? {
      certificate: null,
      problem: reason(
        'SIGNER_CERT_NOT_FOUND',
        'the envelope does not carry the certificate the signer names',
      ),
    }
  );
}
