import { isParseError, parseCertificate } from '../../src/verify/certificate';
import { derTry, parseDer } from '../../src/verify/der';
import { parseCrl } from '../../src/verify/path/crl';
import { decodePemBlocks } from '../../src/verify/pem';
import { fuzzTarget } from './harness';
import { fixtureFiles } from './seeds';
import { derStructure } from './structure';

const certificates = fixtureFiles('cms/cases', /chain\.pem$/).flatMap((pem) =>
  decodePemBlocks(new TextDecoder().decode(pem)).map((b) => b.der),
);
const crls = fixtureFiles('timestamp/crls', /\.crl$/);

const contains = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1;

/**
 * The strict DER reader and the certificate and CRL parsers on it. What they keep of the input is the
 * input's own bytes: a parsed certificate's DER is the input and its TBS lies inside it.
 */
fuzzTarget({
  name: 'der-reader',
  seeds: [...certificates, ...crls],
  structure: derStructure,
  run: (input) => ({
    tree: derTry(() => parseDer(input)) !== null,
    certificate: parseCertificate(input),
    crl: parseCrl(input),
  }),
  check: (input, result) => {
    const { certificate, crl } = result as {
      certificate: ReturnType<typeof parseCertificate>;
      crl: ReturnType<typeof parseCrl>;
    };
    if (!isParseError(certificate)) {
      if (
        Buffer.compare(Buffer.from(certificate.der), Buffer.from(input)) !== 0 ||
        !contains(input, certificate.tbs)
      )
        throw new Error('a parsed certificate is not the bytes it was read from');
    }
    if (crl && !contains(input, crl.tbs)) throw new Error('a parsed CRL signs bytes it was not read from');
  },
});
