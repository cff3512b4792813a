import { smsChannel } from '../../../shared/app/lifecycle/sms-channel';
import { phoneCountry, senderReach } from '../../../shared/domain/lifecycle/sms-reach';
import { retryAfterMs } from '../../../shared/adapters/acs/errors';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

describe('SMS reach', () => {
  it('a toll-free sender reaches US, CA and PR; another number its own country; a configured list wins', () => {
    expect(senderReach('+18005550100', [])).toEqual(['US', 'CA', 'PR']);
    expect(senderReach('+18885550100', [])).toEqual(['US', 'CA', 'PR']);
    expect(senderReach('+4915112345678', [])).toEqual(['DE']);
    expect(senderReach('+18005550100', ['ca', 'US'])).toEqual(['CA', 'US']);
    expect(phoneCountry('+18762345678')).toBe('JM');
  });

  it('the channel says why SMS cannot reach a consumer, and reports a refused sender once', () => {
    const lines: string[] = [];
    const log = { info: (event: string) => void lines.push(event), warn: (event: string) => void lines.push(event) };
    const channel = smsChannel({ from: '+18005550100', countries: [], log });
    expect(channel.unavailableFor('+12062001234')).toBeUndefined();
    expect(channel.unavailableFor('+4915112345678')).toBe('sms-country-not-reached');
    expect(channel.unavailableFor('not a number')).toBe('sms-country-not-reached');
    channel.senderRefused();
    channel.senderRefused();
    expect(channel.unavailableFor('+12062001234')).toBe('sms-sender-refused');
    expect(lines).toEqual(['configuration.error']);

    const none = smsChannel({ from: undefined, countries: [], log });
    expect(none.unavailableFor('+12062001234')).toBe('sms-disabled');
    expect(lines).toEqual(['configuration.error', 'sms.channel.disabled']);
  });
});

describe('Retry-After', () => {
  it('reads retry-after-ms first, then Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '42' }))).toBe(42_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs(headers({ 'retry-after': inTenSeconds }))).toBeGreaterThan(8_000);
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
