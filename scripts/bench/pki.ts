/**
 * The benchmark's own PKI, made with the openssl CLI in a temporary directory: a vendor `bench` with a
 * P-256 chain of three (root, intermediate, signer) and an RSA-2048 chain of three, and detached CMS
 * signatures over the artifacts the benchmark sends. Nothing here is kept after the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchChain {
  name: 'p256' | 'rsa2048';
  rootPem: string;
  signerKey: string;
  signerCert: string;
  intermediateCert: string;
}

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[signer]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

function newKey(cwd: string, file: string, kind: 'p256' | 'rsa2048') {
  if (kind === 'p256') {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);
  } else {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file], cwd);
  }
}

function issue(cwd: string, name: string, subject: string, ca: string, section: string) {
  openssl(
    ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-config', 'openssl.cnf', '-out', `${name}.csr`],
    cwd,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      String(Date.now() % 1e9),
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      'openssl.cnf',
      '-extensions',
      section,
      '-out',
      `${name}.pem`,
    ],
    cwd,
  );
}

export function makeChain(dir: string, kind: 'p256' | 'rsa2048'): BenchChain {
  const cwd = join(dir, kind);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'openssl.cnf'), CONFIG);
  const label = kind === 'p256' ? 'P-256' : 'RSA-2048';
  for (const k of ['root', 'intermediate', 'signer']) newKey(cwd, `${k}.key`, kind);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'root.key',
      '-subj',
      `/O=Bench/CN=Bench Root ${label}`,
      '-days',
      '3650',
      '-sha256',
      '-config',
      'openssl.cnf',
      '-extensions',
      'root',
      '-out',
      'root.pem',
    ],
    cwd,
  );
  issue(cwd, 'intermediate', `/O=Bench/CN=Bench Code Signing CA ${label}`, 'root', 'intermediate');
  issue(cwd, 'signer', `/O=Bench/CN=Bench Signer ${label}`, 'intermediate', 'signer');
  return {
    name: kind,
    rootPem: readFileSync(join(cwd, 'root.pem'), 'utf8'),
    signerKey: join(cwd, 'signer.key'),
    signerCert: join(cwd, 'signer.pem'),
    intermediateCert: join(cwd, 'intermediate.pem'),
  };
}

/** A detached CMS SignedData (DER) over `artifactPath`, carrying the signer and its intermediate. */
export function signDetached(chain: BenchChain, artifactPath: string, outPath: string): Uint8Array {
  execFileSync(
    'openssl',
    [
      'cms',
      '-sign',
      '-binary',
      '-md',
      'sha256',
      '-in',
      artifactPath,
      '-signer',
      chain.signerCert,
      '-inkey',
      chain.signerKey,
      '-certfile',
      chain.intermediateCert,
      '-outform',
      'DER',
      '-out',
      outPath,
    ],
    { stdio: 'pipe' },
  );
  return new Uint8Array(readFileSync(outPath));
}
