import { type Reason, reason } from '../reasons';

/**
 * The reasons found in one archive, at most `max` of them listed. An archive of 50,000 entries, or a
 * manifest of 100,000 sections, can each be wrong in its own way; a verdict that lists every one is a
 * response as large as the request (and, for a deflated manifest, much larger), and tells a person no
 * more than the first hundred do.
 */
export const MAX_LISTED_REASONS = 100;

export class ReasonList {
  private readonly listed: Reason[] = [];
  private unlisted = 0;
  private firstUnlisted: Reason | null = null;

  constructor(private readonly max = MAX_LISTED_REASONS) {}

  add(r: Reason): void {
    if (this.listed.length < this.max) this.listed.push(r);
    else {
      this.unlisted++;
      this.firstUnlisted ??= r;
    }
  }

  get size(): number {
    return this.listed.length + this.unlisted;
  }

  /** The listed reasons, then one that counts the others (under the code of the first one left out). */
  toArray(): Reason[] {
    if (!this.firstUnlisted) return [...this.listed];
    return [
      ...this.listed,
      reason(this.firstUnlisted.code, `${this.unlisted} more problems in this archive are not listed`),
    ];
  }
}
