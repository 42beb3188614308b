/**
 * Decodes a fetched body to text: the charset of the Content-Type, else the XML declaration's encoding,
 * else UTF-8. Unknown labels fall back to UTF-8; malformed bytes become U+FFFD rather than failing.
 */
export function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  let label = fromHeader;
  if (!label) {
    const head = String.fromCharCode(...bytes.subarray(0, 200));
    label = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  }
  try {
    return new TextDecoder(label ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
