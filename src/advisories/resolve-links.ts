/** Resolves link targets against a base URL and keeps the absolute http(s) ones, de-duplicated, in order. */
export function resolveHttpLinks(raw: readonly (string | null | undefined)[], base: string | null): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const value of raw) {
    if (!value) continue;
    let url: URL;
    try {
      url = base ? new URL(value.trim(), base) : new URL(value.trim());
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    if (!seen.has(url.href)) {
      seen.add(url.href);
      out.push(url.href);
    }
  }
  return out;
}
