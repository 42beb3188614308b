import { createHash } from 'node:crypto';
import { ocspStatus } from '../../src/verify/ocsp';
import { SignatureChecker } from '../../src/verify/path/signature-checker';
import { OCSP_TIME, ocspCertificate } from '../helpers/ocsp-fixtures';
import { fuzzTarget } from './harness';
import { fixtureFiles } from './seeds';
import { derStructure } from './structure';

const ca = ocspCertificate('ca');
const leaves = [ocspCertificate('leaf-good'), ocspCertificate('leaf-revoked')];

/**
 * OCSP responses through the whole status check (reading, CertID matching, responder authorisation,
 * signatures): never a throw, and a definite answer only with the evidence of the input's own bytes.
 */
fuzzTarget({
  name: 'ocsp-response',
  seeds: fixtureFiles('ocsp/responses', /\.der$/),
  structure: derStructure,
  run: (input) =>
    Promise.all(
      leaves.map((cert) =>
        ocspStatus({
          cert,
          issuer: ca,
          responses: [input],
          time: OCSP_TIME,
          checker: new SignatureChecker(globalThis.crypto.subtle, 16),
        }),
      ),
    ),
  check: (input, result) => {
    const digest = createHash('sha256').update(input).digest('hex');
    for (const status of result as Awaited<ReturnType<typeof ocspStatus>>[])
      if (status.kind !== 'unknown' && status.evidenceSha256 !== digest)
        throw new Error('a definite answer names evidence other than the input');
  },
});
