import type { PathRequest } from './path';

/**
 * The keyUsage and anchor rules of a code-signing path (docs/policy.md): a signer's keyUsage, when it has
 * one, must allow digitalSignature, and a signer without one passes (RFC 5280 4.2.1.3: no keyUsage, no
 * restriction); an anchor is a name and a key (RFC 5280 §6.1.1(d)), see path/anchor-checks.ts.
 */
export const CODE_SIGNING_PATH_POLICY: Readonly<
  Pick<PathRequest, 'leafKeyUsage' | 'requireLeafKeyUsage' | 'anchorChecks'>
> = { leafKeyUsage: ['digitalSignature'], requireLeafKeyUsage: false, anchorChecks: 'name-and-key' };
