import { toHex } from './hex';

/** SHA-256 of `data` as lower-case hex, through the injected WebCrypto `SubtleCrypto`. */
export async function sha256Hex(subtle: SubtleCrypto, data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(data))));
}

/** SHA-1 of `data` as lower-case hex (certificate thumbprints as Windows shows them). */
export async function sha1Hex(subtle: SubtleCrypto, data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest('SHA-1', new Uint8Array(data))));
}
