// The committed Authenticode fixtures (scripts/fixtures/make-authenticode-fixtures.sh) agree with their
// expectations file: every file listed exists with the recorded hash and layout, the certificates are those
// described, and the extracted signature belongs to its file. No verdict logic: that is the verifier's tests.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../fixtures/authenticode');

interface Entry {
  offset: number;
  dwLength: number;
  wRevision: number;
  wCertificateType: number;
}
interface Fixture {
  name: string;
  file: string;
  description: string;
  sha256: string;
  layout: {
    pe32plus: boolean;
    length: number;
    certificateTable: { offset: number; size: number };
    entries: Entry[];
  };
  osslsigncode: {
    command: string[];
    exitCode: number;
    signatures: number;
    currentMessageDigest: string[];
    calculatedMessageDigest: string[];
    summary: string[];
    stderr: string[];
  };
}
interface Expected {
  verifyTime: string;
  verifyEpoch: number;
  signTime: string;
  expiredSignerSignTime: string;
  fixtures: Fixture[];
  certificates: Record<string, { subject: string; notBefore: string; notAfter: string; sha256: string }>;
  extracted: { of: string; unsigned: string; der: string; pem: string };
}

const expected: Expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
const read = (file: string) => readFileSync(join(DIR, file));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pemToDer = (pem: string) =>
  Buffer.from(
    pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join(''),
    'base64',
  );
const u16 = (b: Buffer, at: number) => b.readUInt16LE(at);
const u32 = (b: Buffer, at: number) => b.readUInt32LE(at);

/** The certificate-table data directory of a PE image: [offset, size]. */
function certificateDirectory(b: Buffer): [number, number] {
  const pe = u32(b, 0x3c);
  const opt = pe + 24;
  const dirs = opt + (u16(b, opt) === 0x20b ? 112 : 96);
  return [u32(b, dirs + 32), u32(b, dirs + 36)];
}

describe('the Authenticode fixtures', () => {
  it('pin one clock, the one every osslsigncode run used', () => {
    expect(Date.parse(expected.verifyTime) / 1000).toBe(expected.verifyEpoch);
    for (const f of expected.fixtures) {
      expect(f.osslsigncode.command.slice(-2)).toEqual(['-time', String(expected.verifyEpoch)]);
    }
  });

  it('name each fixture once', () => {
    const names = expected.fixtures.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(expected.fixtures.map((f) => [f.name, f] as const))('%s: the file is as recorded', (_name, f) => {
    expect(existsSync(join(DIR, f.file))).toBe(true);
    const bytes = read(f.file);
    expect(sha256(bytes)).toBe(f.sha256);
    expect(f.osslsigncode.command.slice(0, 4)).toEqual(['osslsigncode', 'verify', '-in', f.file]);
    expect(f.osslsigncode.currentMessageDigest.length).toBe(f.osslsigncode.calculatedMessageDigest.length);
    expect(f.osslsigncode.summary.at(-1)).toBe(f.osslsigncode.exitCode === 0 ? 'Succeeded' : 'Failed');
    for (const arg of f.osslsigncode.command.filter((a) => a.startsWith('certs/'))) {
      expect(existsSync(join(DIR, arg))).toBe(true);
    }
    if (f.layout === null) {
      expect(f.file.startsWith('optional/')).toBe(true);
      return;
    }
    expect(bytes.length).toBe(f.layout.length);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(bytes.subarray(u32(bytes, 0x3c), u32(bytes, 0x3c) + 4).toString('latin1')).toBe('PE\0\0');
    expect(certificateDirectory(bytes)).toEqual([
      f.layout.certificateTable.offset,
      f.layout.certificateTable.size,
    ]);
    for (const e of f.layout.entries) {
      expect(u32(bytes, e.offset)).toBe(e.dwLength);
      expect(u16(bytes, e.offset + 4)).toBe(e.wRevision);
      expect(u16(bytes, e.offset + 6)).toBe(e.wCertificateType);
    }
  });

  it('list every file of the folders they fill', () => {
    const listed = new Set(expected.fixtures.map((f) => f.file));
    for (const dir of ['unsigned', 'signed', 'tampered', 'optional']) {
      for (const f of readdirSync(join(DIR, dir))) expect(listed).toContain(`${dir}/${f}`);
    }
  });

  it('describe the certificates that are committed', () => {
    const files = readdirSync(join(DIR, 'certs')).sort();
    expect(Object.keys(expected.certificates).sort()).toEqual(files);
    for (const [name, c] of Object.entries(expected.certificates)) {
      expect(sha256(pemToDer(read(`certs/${name}`).toString('utf8')))).toBe(c.sha256);
      expect(Date.parse(c.notBefore)).toBeLessThan(Date.parse(c.notAfter));
    }
    // the trust stores hold the acme root and the TSA root
    const storeDer = (dir: string) =>
      readdirSync(join(DIR, 'trust-store', dir)).map((f) =>
        sha256(pemToDer(read(`trust-store/${dir}/${f}`).toString())),
      );
    expect(storeDer('acme')).toEqual([expected.certificates['root.pem']?.sha256]);
    expect(storeDer('_tsa')).toEqual([expected.certificates['tsa-root.pem']?.sha256]);
  });

  it('carry no private key', () => {
    const walk = (dir: string): string[] =>
      readdirSync(join(DIR, dir), { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
      );
    for (const f of walk('.')) expect(read(f).includes('PRIVATE KEY')).toBe(false);
  });

  it('extract the signature of the file they name, and remove it to give the unsigned image', () => {
    const { of, unsigned, der, pem } = expected.extracted;
    const signed = read(of);
    const [offset] = certificateDirectory(signed);
    const p7 = read(der);
    expect(signed.subarray(offset + 8, offset + 8 + p7.length).equals(p7)).toBe(true);
    expect(pemToDer(read(pem).toString('utf8')).equals(p7)).toBe(true);
    expect(read(unsigned).equals(read('unsigned/pe32plus.efi'))).toBe(true);
  });

  it('have a README that lists every fixture', () => {
    const readme = read('README.md').toString('utf8');
    for (const f of expected.fixtures) expect(readme).toContain(`| ${f.name} |`);
  });
});
