import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiCalls, normaliseBaseUrl } from '../../src/escalation';

const dir = mkdtempSync(join(tmpdir(), 'trustgate-api-calls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a generated command with `curl` and `jq` replaced by functions that print their arguments. */
function argvOf(command: string): string[] {
  const script = [
    'curl() { printf "%s\\0" "$@"; }',
    'jq() { cat >/dev/null; }',
    'TRUSTGATE_TOKEN=tok ROOT_SHA256=abc N=4',
    command,
  ].join('\n');
  const out = execFileSync('bash', ['-c', script], { cwd: dir, input: '' }).toString();
  return out.split('\0').slice(0, -1);
}

const hostile = "x'; touch pwned; echo '$(touch pwned2)`touch pwned3`";

describe('apiCalls', () => {
  const calls = apiCalls({
    serviceBaseUrl: 'https://trustgate.example/base/',
    caseId: hostile,
    vendorId: hostile,
    rootSha256Hex: 'ab'.repeat(32),
    artifactDigest: `sha256:${'ef'.repeat(32)}`,
    signatureFile: 'sig.p7s',
  });

  describe('when ids contain shell metacharacters', () => {
    it('passes them to curl as data, running nothing', () => {
      const reject = argvOf(calls.rejectCase);
      expect(reject).toContain(
        `https://trustgate.example/base/escalations/${encodeURIComponent(hostile)}/resolve`,
      );
      expect(JSON.parse(reject[reject.length - 1] ?? '')).toEqual({
        outcome: 'rejected',
        note: 'vendor did not confirm the root',
      });
      expect(argvOf(calls.proposeRoot)).toContain(
        `https://trustgate.example/base/vendors/${encodeURIComponent(hostile)}/roots`,
      );
      expect(argvOf(calls.verifyAgain)).toContain(`vendor=${hostile}`);
      argvOf(calls.approveRoot);
      argvOf(calls.markStep);
      for (const file of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(dir, file))).toBe(false);
    });
  });

  describe('when the calls are run', () => {
    it('sends the bearer token from the environment, not one written in the text', () => {
      const argv = argvOf(calls.approveRoot);
      expect(argv).toContain('Authorization: Bearer tok');
      expect(calls.approveRoot).not.toContain('tok ');
      expect(argv[argv.indexOf('-X') + 2]).toBe(
        `https://trustgate.example/base/roots/${'ab'.repeat(32)}/approve?vendor=${encodeURIComponent(hostile)}`,
      );
    });

    it('fills the root fingerprint from $ROOT_SHA256 when it is not known', () => {
      const unknown = apiCalls({
        serviceBaseUrl: 'https://trustgate.example',
        caseId: 'esc_1',
        vendorId: 'acme',
        rootSha256Hex: undefined,
        artifactDigest: undefined,
        signatureFile: 'sig.p7s',
      });
      expect(argvOf(unknown.approveRoot)).toContain(
        'https://trustgate.example/roots/abc/approve?vendor=acme',
      );
      expect(argvOf(unknown.markStep)).toContain('https://trustgate.example/escalations/esc_1/steps/4');
    });
  });
});

describe('normaliseBaseUrl', () => {
  describe('when the configured URL is not a plain http(s) base', () => {
    it('gives a visible placeholder', () => {
      expect(normaliseBaseUrl('javascript:alert(1)')).toBe('https://trustgate.invalid');
      expect(normaliseBaseUrl('https://user:pw@trustgate.example')).toBe('https://trustgate.invalid');
      expect(normaliseBaseUrl('not a url')).toBe('https://trustgate.invalid');
      expect(normaliseBaseUrl('https://trustgate.example///')).toBe('https://trustgate.example');
    });
  });
});
