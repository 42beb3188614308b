/**
 * The `openssl` commands that let an engineer compute, on their own machine and from their own copy of the
 * signature file, the same fingerprints the case shows. Works with OpenSSL 1.1 and 3.x: `openssl cms`
 * reads the file (DER, or PEM labelled CMS or PKCS7) and `openssl pkcs7 -print_certs` lists its
 * certificates (`openssl cms` has no `-print_certs` in 3.0).
 */

export interface OpensslCommands {
  signatureFile: string;
  inform: 'DER' | 'PEM';
  /** Writes every certificate the signature carries to `chain.pem`. */
  extractChain: string;
  /** Splits `chain.pem` into `cert-1.pem`, `cert-2.pem`, ... */
  splitChain: string;
  /** Prints subject, SHA-256 and SPKI SHA-256 (colon form) of every `cert-*.pem`. */
  printFingerprints: string;
  /** SHA-256 of one certificate file (`CERT=cert-1.pem`). */
  certificateSha256: string;
  /** SPKI SHA-256 of one certificate file (`CERT=cert-1.pem`). */
  spkiSha256: string;
}

const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const DEFAULT_SIGNATURE_FILE = 'sig.p7s';

const SPKI =
  'openssl x509 -in "$CERT" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256';

export function opensslCommands(
  signature: { fileName?: string; format?: 'DER' | 'PEM' } = {},
): OpensslCommands {
  const file =
    signature.fileName !== undefined && SAFE_FILE_NAME.test(signature.fileName)
      ? signature.fileName
      : DEFAULT_SIGNATURE_FILE;
  const inform = signature.format === 'PEM' ? 'PEM' : 'DER';
  return {
    signatureFile: file,
    inform,
    extractChain: `openssl cms -cmsout -inform ${inform} -in ${file} -outform DER | openssl pkcs7 -inform DER -print_certs > chain.pem`,
    splitChain: `awk '/-----BEGIN CERTIFICATE-----/{n++; f=1} f{print > ("cert-" n ".pem")} /-----END CERTIFICATE-----/{f=0}' chain.pem`,
    printFingerprints: [
      'for CERT in cert-*.pem; do',
      '  openssl x509 -in "$CERT" -noout -subject -fingerprint -sha256',
      `  printf 'SPKI SHA-256=%s\\n' "$(${SPKI} -c | sed 's/^.*= //' | tr a-f A-F)"`,
      'done',
    ].join('\n'),
    certificateSha256: 'openssl x509 -in "$CERT" -noout -fingerprint -sha256',
    spkiSha256: SPKI,
  };
}
