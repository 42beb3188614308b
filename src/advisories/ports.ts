import type { ItemSnapshot } from './item-hash';

/**
 * What the caller (the Node timer, the Workers cron, `POST /feeds/{id}/poll`) provides to `pollFeed`.
 * Reads only: `pollFeed` returns everything to write as plain data.
 */
export interface PollPorts {
  /** What was stored for this feed's items, by guid (`contentHash` and `announced` of `ItemSnapshot`). */
  previousItems(feedId: string): Promise<ReadonlyMap<string, ItemSnapshot>>;
  /** DER of every root currently *active* for the vendor (candidates, distrusted and retired left out). */
  activeRoots(vendorId: string): Promise<readonly Uint8Array[]>;
}
