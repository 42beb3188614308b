/**
 * Signers `npm run stress` makes with the openssl CLI in its temporary directory: many self-signed code
 * signers (each its own unknown root: an escalation flood), and one RSA-2048 signer whose public exponent
 * is about 2,030 bits instead of 65537 (every check of its signature costs a full-size exponentiation).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generatePrimeSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

const SIGNER_EXTENSIONS = [
  '-addext',
  'keyUsage=critical,digitalSignature',
  '-addext',
  'extendedKeyUsage=codeSigning',
];

function selfSigned(cwd: string, name: string, subject: string) {
  openssl(
    ['req', '-x509', '-new', '-key', `${name}.key`, '-subj', subject, '-days', '3650', '-sha256']
      .concat(SIGNER_EXTENSIONS)
      .concat(['-out', `${name}.pem`]),
    cwd,
  );
}

function signDetached(cwd: string, name: string, artifact: string): Uint8Array {
  openssl(
    ['cms', '-sign', '-binary', '-md', 'sha256', '-in', artifact, '-signer', `${name}.pem`].concat([
      '-inkey',
      `${name}.key`,
      '-outform',
      'DER',
      '-out',
      `${name}.p7s`,
    ]),
    cwd,
  );
  return new Uint8Array(readFileSync(join(cwd, `${name}.p7s`)));
}

/** `count` detached signatures over `artifact`, each by a different self-signed P-256 signer. */
export function unknownRootSignatures(dir: string, artifact: string, count: number): Uint8Array[] {
  const cwd = join(dir, 'strangers');
  mkdirSync(cwd, { recursive: true });
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const name = `stranger-${i}`;
    openssl(
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`],
      cwd,
    );
    selfSigned(cwd, name, `/O=Stranger ${i}/CN=Stranger Code Signing Root ${i}`);
    out.push(signDetached(cwd, name, artifact));
  }
  return out;
}

const toBase64Url = (value: bigint) => {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

function inverse(a: bigint, m: bigint): bigint | null {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return r0 === 1n ? ((s0 % m) + m) % m : null;
}

/** A detached signature over `artifact` by a self-signed RSA-2048 signer whose exponent has ~2,030 bits. */
export function hugeExponentSignature(dir: string, artifact: string): Uint8Array {
  const cwd = join(dir, 'huge-exponent');
  mkdirSync(cwd, { recursive: true });
  const p = generatePrimeSync(1024, { bigint: true });
  const q = generatePrimeSync(1024, { bigint: true });
  const phi = (p - 1n) * (q - 1n);
  let e = 0n;
  let d: bigint | null = null;
  while (d === null) {
    e = BigInt(`0x${randomBytes(254).toString('hex')}`) | (1n << 2030n) | 1n;
    d = inverse(e, phi);
  }
  const jwk = {
    kty: 'RSA',
    n: toBase64Url(p * q),
    e: toBase64Url(e),
    d: toBase64Url(d),
    p: toBase64Url(p),
    q: toBase64Url(q),
    dp: toBase64Url(d % (p - 1n)),
    dq: toBase64Url(d % (q - 1n)),
    qi: toBase64Url(inverse(q, p) as bigint),
  };
  const pem = createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(join(cwd, 'huge.key'), pem);
  selfSigned(cwd, 'huge', '/O=Stress/CN=Huge Exponent Signer');
  return signDetached(cwd, 'huge', artifact);
}
