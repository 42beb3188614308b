import type { ParsedCertificate } from '../certificate';
import { decodeOid, derTry, parseNested, sequence } from '../der';
import { EXT } from '../path/extensions';
import { parseGeneralName } from '../path/general-names';

const OID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
/** Responders a certificate may name that are looked at; real certificates name one. */
export const MAX_RESPONDER_URLS = 4;

/**
 * The http(s) OCSP responder URLs in a certificate's Authority Information Access extension (RFC 5280
 * §4.2.2.1, id-ad-ocsp uniformResourceIdentifier), in order, without duplicates, at most
 * MAX_RESPONDER_URLS. What to ask, not what to trust: the answer still has to verify (`ocspStatus`).
 */
export function ocspResponderUrls(cert: ParsedCertificate): string[] {
  const aia = cert.rawExtensions.find((e) => e.oid === EXT.authorityInfoAccess);
  if (!aia) return [];
  return (
    derTry(() => {
      const urls: string[] = [];
      for (const item of sequence(parseNested(aia.value), 'AuthorityInfoAccessSyntax')) {
        const [method, location] = sequence(item, 'AccessDescription');
        if (decodeOid(method) !== OID_AD_OCSP || !location) continue;
        const name = parseGeneralName(location);
        if (name.kind !== 'uri' || !/^https?:\/\//i.test(name.value) || urls.includes(name.value)) continue;
        urls.push(name.value);
        if (urls.length >= MAX_RESPONDER_URLS) break;
      }
      return urls;
    }) ?? []
  );
}
