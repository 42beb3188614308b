/**
 * `parseCertificate`, remembered (see memo.ts): the same certificate bytes come back on nearly every
 * request (the signer and its intermediates), and parsing one (strict DER, names, extensions, two
 * SHA-256 fingerprints in plain JS) costs more than the signature check it feeds. Results are frozen
 * (shallowly) because they are shared between requests.
 */
import { type CertificateParseResult, type ParseOptions, parseCertificate } from './certificate';
import { createBytesMemo } from './memo';

const memo = createBytesMemo<CertificateParseResult>(1024);

export function parseCertificateMemo(der: Uint8Array, options: ParseOptions = {}): CertificateParseResult {
  return memo(der, options.trustAnchor ? 'anchor' : '', () => Object.freeze(parseCertificate(der, options)));
}
