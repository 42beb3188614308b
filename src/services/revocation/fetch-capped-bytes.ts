import { readCappedBody } from '../../advisories/read-capped-body';
import type { UrlGuard } from '../../advisories/url-guard';

/**
 * One request for revocation data (a CRL, an OCSP response) under the service's limits: the URL must
 * parse and pass the address guard, redirects are not followed, the answer must be 200 and at most
 * `maxBytes`, all within `timeoutMs`. Any failure is null, never an exception: what a missing answer
 * means is the vendor's revocation policy's to say.
 */
export interface CappedFetchSettings {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  isAllowedUrl: UrlGuard;
  maxBytes: number;
  timeoutMs: number;
}

export async function fetchCappedBytes(
  settings: CappedFetchSettings,
  url: string,
  init: Omit<RequestInit, 'redirect' | 'signal'> = {},
): Promise<Uint8Array | null> {
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    return null;
  }
  if (!settings.isAllowedUrl(parsedUrl)) return null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  try {
    const response = await settings.fetch(parsedUrl.href, {
      ...init,
      redirect: 'manual',
      signal: controller.signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return null;
    }
    const body = await readCappedBody(response.body, settings.maxBytes);
    return body.kind === 'ok' ? body.bytes : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
