import { clientAddress, RateLimiter } from '../../../shared/adapters/http/rate-limit';

describe('per-address rate limit', () => {
  it('allows a burst, then the refill rate, and says how long to wait', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    const t = 1_000_000;
    expect([limiter.take('a', t), limiter.take('a', t), limiter.take('a', t)]).toEqual([0, 0, 0]);
    expect(limiter.take('a', t)).toBe(1);
    expect(limiter.take('b', t)).toBe(0); // other addresses have their own bucket
    expect(limiter.take('a', t + 500)).toBe(0); // half a second refills one token at 2/s
    expect(limiter.take('a', t + 500)).toBe(1);
    expect(limiter.take('a', t + 10_000)).toBe(0);
  });

  it('takes the last X-Forwarded-For entry, without its port', () => {
    expect(clientAddress('6.6.6.6, 10.0.0.1:51234')).toBe('10.0.0.1');
    expect(clientAddress('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1');
    expect(clientAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(clientAddress(null)).toBe('unknown');
  });
});
