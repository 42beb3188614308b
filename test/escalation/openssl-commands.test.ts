import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { colonHex, opensslCommands } from '../../src/escalation';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'trustgate-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (script: string) =>
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir }).toString();

/** A root, a signer it issued, and a detached CMS signature carrying both, made with openssl. */
function makeSignature(format: 'DER' | 'PEM'): void {
  sh(`
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
      -subj "/CN=Test Root" -days 30 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
      -subj "/CN=Test Signer/O=Acme" 2>/dev/null
    openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -CAcreateserial -out leaf.pem -days 10 2>/dev/null
    printf 'package' > artifact.bin
    openssl cms -sign -binary -in artifact.bin -signer leaf.pem -inkey leaf.key -certfile root.pem \
      -outform ${format} -out sig.p7s
  `);
}

function fingerprints(pemFile: string): { sha256: string; spki: string } {
  const cert = new X509Certificate(readFileSync(join(dir, pemFile)));
  const spkiDer = cert.publicKey.export({ type: 'spki', format: 'der' });
  return {
    sha256: createHash('sha256').update(cert.raw).digest('hex'),
    spki: createHash('sha256').update(spkiDer).digest('hex'),
  };
}

describe('opensslCommands', () => {
  describe.skipIf(!hasOpenssl).each(['DER', 'PEM'] as const)('when run on a %s signature file', (format) => {
    it('prints the same SHA-256 and SPKI SHA-256 fingerprints, in colon form', () => {
      makeSignature(format);
      const c = opensslCommands({ format });
      const out = sh([c.extractChain, c.splitChain, c.printFingerprints].join('\n'));
      for (const file of ['root.pem', 'leaf.pem']) {
        const expected = fingerprints(file);
        expect(out).toContain(`sha256 Fingerprint=${colonHex(expected.sha256)}`);
        expect(out).toContain(`SPKI SHA-256=${colonHex(expected.spki)}`);
      }
    });
  });

  describe('when the signature file name is not a plain file name', () => {
    it('falls back to sig.p7s rather than put it in a command', () => {
      expect(opensslCommands({ fileName: 'x; rm -rf ~' }).extractChain).toBe(
        'openssl cms -cmsout -inform DER -in sig.p7s -outform DER | openssl pkcs7 -inform DER -print_certs > chain.pem',
      );
    });
  });
});
