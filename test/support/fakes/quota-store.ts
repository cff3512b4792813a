import type { QuotaStore } from '../../../shared/app/ports/quota-store';

/** In-memory QuotaStore: fixed windows aligned on multiples of the window length, as TableQuotaStore counts them. */
export class InMemoryQuotaStore implements QuotaStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  /** Every counter taken, refused ones included (tests check what was counted, never the raw text in storage). */
  readonly taken: Array<{ counter: string; granted: boolean }> = [];

  async take(counter: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const start = Math.floor(now / windowMs) * windowMs;
    const key = `${counter}\n${start}`;
    const window = this.windows.get(key) ?? { count: 0, endsAt: start + windowMs };
    const granted = window.count < limit;
    if (granted) this.windows.set(key, { ...window, count: window.count + 1 });
    this.taken.push({ counter, granted });
    return granted;
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) {
        this.windows.delete(key);
        purged += 1;
      }
    }
    return purged;
  }
}
