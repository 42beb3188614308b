import { lookup } from 'node:dns/promises';
import { classifyHost, type FetchLike } from '../advisories';

type Lookup = (hostname: string) => Promise<{ address: string }[]>;

const lookupAll: Lookup = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The feed poller's fetch on Node. The pure URL guard only sees literal hosts; this one also resolves a
 * host name and refuses it when any of its addresses is private, loopback, link-local or otherwise not
 * public (`allowPrivate` turns the check off, as FEEDS_ALLOW_PRIVATE=true does). Each redirect hop comes
 * through here, since the poller follows redirects by hand.
 *
 * Known gap: fetch resolves the name again when it connects, so a DNS answer that changes between the two
 * lookups (rebinding) is not caught here; it would need a connect-time hook in the HTTP client.
 */
export function guardedFeedFetch(options: {
  allowPrivate: boolean;
  fetch?: FetchLike;
  lookup?: Lookup;
}): FetchLike {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const resolveAll = options.lookup ?? lookupAll;
  return async (input, init) => {
    if (!options.allowPrivate) {
      const { hostname } = new URL(input);
      const literal = classifyHost(hostname);
      if (literal.kind === 'name' && literal.scope === 'public') {
        const addresses = await resolveAll(hostname.replace(/\.$/, ''));
        const refused = addresses.find((a) => classifyHost(a.address).scope !== 'public');
        if (refused) {
          throw new TypeError(`address not allowed: ${hostname} resolves to ${refused.address}`);
        }
      } else if (literal.scope !== 'public') {
        throw new TypeError(`address not allowed: ${hostname}`);
      }
    }
    return doFetch(input, init);
  };
}
