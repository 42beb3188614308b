import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { classifyHost, type FetchLike } from '../advisories';

type Lookup = (hostname: string) => Promise<{ address: string }[]>;

const lookupAll: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const isPublicAddress = (address: string): boolean => classifyHost(address).scope === 'public';

/**
 * The fetch that the feed poller and the CRL fetcher use on Node. The pure URL guard only sees literal
 * hosts; this one also refuses a host name when any of its addresses is private, loopback, link-local or
 * otherwise not public (`allowPrivate` turns the check off, as FEEDS_ALLOW_PRIVATE=true does). Each
 * redirect hop comes through here, since the callers follow redirects by hand.
 *
 * The check is made by the lookup the connection itself uses (node:http's `lookup` option), so the
 * address checked is the address connected to: a DNS answer that changes between a first look and the
 * connection (rebinding) cannot slip a private address in.
 */
export function guardedFeedFetch(options: {
  allowPrivate: boolean;
  fetch?: FetchLike;
  lookup?: Lookup;
  /** Which resolved addresses may be connected to (tests widen it to reach 127.0.0.1). */
  isAllowedAddress?: (address: string) => boolean;
}): FetchLike {
  if (options.allowPrivate) return options.fetch ?? ((input, init) => fetch(input, init));
  const resolveAll = options.lookup ?? lookupAll;
  const allowed = options.isAllowedAddress ?? isPublicAddress;
  const connect = options.fetch ?? ((input, init) => fetchWithLookup(input, init, guardedLookup));
  /** Why `hostname`'s addresses may not be connected to, or null. */
  const refusal = (hostname: string, addresses: { address: string }[]): string | null => {
    const refused = addresses.find((a) => !allowed(a.address));
    if (refused) return `address not allowed: ${hostname} resolves to ${refused.address}`;
    return addresses.length === 0 ? `address not allowed: ${hostname} has no address` : null;
  };

  function guardedLookup(...args: Parameters<LookupFunction>): void {
    const [hostname, lookupOptions, callback] = args;
    resolveAll(hostname).then(
      (addresses) => {
        const refused = refusal(hostname, addresses);
        if (refused) {
          callback(new Error(refused), '', 0);
          return;
        }
        const withFamily = addresses.map((a) => ({
          address: a.address,
          family: a.address.includes(':') ? 6 : 4,
        }));
        if (lookupOptions.all) callback(null, withFamily);
        else callback(null, withFamily[0]?.address ?? '', withFamily[0]?.family ?? 4);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  }

  return async (input, init) => {
    const { hostname } = new URL(input);
    const literal = classifyHost(hostname);
    if (literal.kind === 'name') {
      if (literal.scope !== 'public') throw new TypeError(`address not allowed: ${hostname}`);
      // Fail early with a clear message; the connection's own lookup checks again.
      const refused = refusal(hostname, await resolveAll(hostname.replace(/\.$/, '')));
      if (refused) throw new TypeError(refused);
    } else if (!allowed(hostname.replace(/^\[|\]$/g, ''))) {
      throw new TypeError(`address not allowed: ${hostname}`);
    }
    return connect(input, init);
  };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A GET/HEAD-style fetch over node:http(s) with a given `lookup`, returning a web Response with a
 * streamed body. It sends exactly the headers given (no compression negotiated) and never follows
 * redirects (the callers do, hop by hop, through the guard).
 */
function fetchWithLookup(input: string, init: RequestInit, lookup: LookupFunction): Promise<Response> {
  const url = new URL(input);
  const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null;
  if (!request) return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  // Bodies the service sends (an OCSP request) are bytes or text; anything else is a programming error.
  const body = init.body ?? undefined;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    return Promise.reject(new TypeError('only string or Uint8Array request bodies are supported'));
  }
  if (body !== undefined)
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  const requestOptions: RequestOptions = {
    method: init.method ?? 'GET',
    headers,
    lookup,
    ...(init.signal ? { signal: init.signal } : {}),
  };
  return new Promise<Response>((resolve, reject) => {
    const req = request(url, requestOptions, (res: IncomingMessage) => {
      const status = res.statusCode ?? 502;
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
      }
      const body = NULL_BODY_STATUSES.has(status)
        ? null
        : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      if (body === null) res.resume();
      try {
        resolve(
          new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }),
        );
      } catch (error) {
        res.destroy();
        reject(error);
      }
    });
    req.on('error', reject);
    // A 101 goes to 'upgrade', never to the response callback: without this the promise would never
    // settle and one hostile feed or CRL host would hold a poll or a /verify forever.
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new TypeError('the server switched protocols (HTTP 101); refused'));
    });
    const signal = init.signal;
    if (signal) {
      const onAbort = () => {
        req.destroy();
        reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal.removeEventListener('abort', onAbort));
    }
    req.end(body);
  });
}
