import { bytesEqual } from '../../encoding';
import { children, DerError, decodeBitString, expectTag, parseDer, sequence, TAG } from '../der';

/**
 * Key checks the path adds to `checkPublicKeyPolicy` (which owns sizes, curves and algorithms): an RSA
 * modulus whose length is not a whole number of bytes is refused (Mozilla Root Store Policy 5.1,
 * CABF BR 6.1.5), as a sign of a broken or non-standard key generator.
 */

const RSA_ENCRYPTION = new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);

export function rsaModulusProblem(spki: Uint8Array): string | null {
  try {
    const [algorithm, key] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
    const oid = expectTag(
      children(expectTag(algorithm, TAG.SEQUENCE, 'AlgorithmIdentifier'))[0],
      TAG.OID,
      'OID',
    );
    if (!bytesEqual(oid.value, RSA_ENCRYPTION)) return null;
    const [modulus] = sequence(parseDer(decodeBitString(key).bytes), 'RSAPublicKey');
    let bytes = expectTag(modulus, TAG.INTEGER, 'modulus').value;
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    const first = bytes[0] ?? 0;
    const bits = (bytes.length - 1) * 8 + (32 - Math.clz32(first));
    return bits % 8 === 0 ? null : `RSA modulus of ${bits} bits is not a whole number of bytes`;
  } catch (e) {
    if (e instanceof DerError) return 'the public key cannot be parsed';
    throw e;
  }
}
