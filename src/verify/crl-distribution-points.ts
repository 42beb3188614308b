import { isParseError } from './certificate';
import { parseCertificateMemo as parseCertificate } from './certificate-memo';

/**
 * The http(s) CRL distribution point URLs of the certificates an envelope carries (RFC 5280 §4.2.1.13,
 * fullName URIs only), in order, without duplicates, at most `max`. What to fetch, not what to trust:
 * a fetched CRL still has to verify against the path (verify/path/revocation.ts).
 */
export function distributionPointUrls(certificates: Uint8Array[], max: number): string[] {
  const urls: string[] = [];
  for (const der of certificates) {
    const certificate = parseCertificate(der);
    if (isParseError(certificate)) continue;
    for (const point of certificate.extensions.crlDistributionPoints ?? []) {
      if (point.crlIssuer) continue; // indirect CRLs are not supported by the path module
      for (const name of point.fullName ?? []) {
        if (name.kind !== 'uri' || !/^https?:\/\//i.test(name.value) || urls.includes(name.value)) continue;
        urls.push(name.value);
        if (urls.length >= max) return urls;
      }
    }
  }
  return urls;
}
