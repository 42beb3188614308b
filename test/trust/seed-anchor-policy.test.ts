import { describe, expect, it } from 'vitest';
import { createInMemoryTrustRepository, importSeed } from '../../src/trust';
import { CODE_SIGNING, ext, makeCert, makeRoot } from '../verify/path/cert-factory';

/** The trust-store seed under the anchor rule of docs/policy.md (the admin API's, without the time). */

const AT = new Date('2026-06-01T00:00:00Z');

describe('importSeed and what can be a root', () => {
  it('imports a root carrying a critical Netscape cert-type extension, and skips a non-CA saying why', async () => {
    const netscape = await makeRoot('Seed Netscape Root', {
      extensions: [ext.basicConstraints(true), ext.keyUsage('keyCertSign'), ext.netscapeCertType()],
    });
    const key = await makeCert({
      cn: 'Seed Module Key',
      extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
    });
    const expired = await makeRoot('Seed Expired Root', { notAfter: new Date('2026-01-01T00:00:00Z') });
    const report = await importSeed(
      createInMemoryTrustRepository(),
      [
        {
          id: 'acme',
          vendorJson: null,
          certificates: [
            { file: 'netscape.pem', der: netscape.der },
            { file: 'module-key.pem', der: key.der },
            { file: 'expired.pem', der: expired.der },
          ],
        },
      ],
      AT,
    );
    // A reviewed seed may keep an expired root (for timestamped signatures), as before.
    expect(report.anchorsAdded.map((a) => a.state)).toEqual(['active', 'active']);
    expect(report.skipped).toEqual([
      {
        vendorId: 'acme',
        file: 'module-key.pem',
        why: 'CN=Seed Module Key is not a CA certificate (no basicConstraints cA): a root must be a CA, not a signer',
      },
    ]);
  });
});
