/**
 * Per-address token buckets (docs/api.md: 429 `rate-limited` with Retry-After, per client address, per
 * instance; a gateway in front adds global limits). Memory is bounded: the least recently seen
 * addresses are forgotten first.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_ADDRESSES = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes one token for `address` at `now` (ms); answers 0 when allowed, else the seconds to wait. */
  take(address: string, now: number): number {
    const previous = this.buckets.get(address);
    const refilled = previous
      ? Math.min(this.limit.burst, previous.tokens + ((now - previous.at) / 1000) * this.limit.perSecond)
      : this.limit.burst;
    this.buckets.delete(address); // re-inserted below: Map order becomes least-recently-seen first
    if (refilled < 1) {
      this.buckets.set(address, { tokens: refilled, at: now });
      return Math.max(1, Math.ceil((1 - refilled) / this.limit.perSecond));
    }
    this.buckets.set(address, { tokens: refilled - 1, at: now });
    if (this.buckets.size > MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
    return 0;
  }
}

/** The client's address: the last X-Forwarded-For entry (added by the platform's front end), port removed. */
export function clientAddress(forwardedFor: string | null): string {
  const last = (forwardedFor ?? '').split(',').pop()?.trim() ?? '';
  if (!last) return 'unknown';
  if (last.startsWith('[')) return last.slice(1, last.indexOf(']')); // [ipv6]:port
  return /^[\d.]+:\d+$/.test(last) ? last.slice(0, last.lastIndexOf(':')) : last;
}
