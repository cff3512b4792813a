import { phoneCountry, senderReach, TOLL_FREE_REACH } from '../../../shared/domain/lifecycle/sms-reach';

describe('SMS sender reach', () => {
  it.each(['800', '833', '844', '855', '866', '877', '888'])('a +1 %s toll-free sender reaches the US, Canada and Puerto Rico', (code) => {
    expect(senderReach(`+1${code}5550100`, [])).toEqual(['US', 'CA', 'PR']);
  });

  it('a number only shaped like toll-free is read by its numbering plan instead', () => {
    expect(senderReach('+12065550100', [])).toEqual(['US']); // Seattle area code, not toll-free
    expect(senderReach('+1800555010', [])).toEqual([]); // one digit short: not a valid number
    expect(senderReach('+18005550100 ', [])).toEqual(['US']); // trailing text breaks the pattern, the plan still says US
    expect(senderReach('tel:+18005550100', [])).toEqual(['US']); // leading text breaks the pattern too
  });

  it('a geographic sender reaches its own country only; an unknown one reaches nothing', () => {
    expect(senderReach('+4915112345678', [])).toEqual(['DE']);
    expect(senderReach('+18762345678', [])).toEqual(['JM']);
    expect(senderReach('not a number', [])).toEqual([]);
  });

  it('a configured list wins over the number, upper-cased', () => {
    expect(senderReach('+18005550100', ['de'])).toEqual(['DE']);
    expect(senderReach('+4915112345678', ['us', 'Ca'])).toEqual(['US', 'CA']);
  });

  it('hands out a copy of the toll-free reach, never the constant itself', () => {
    const reach = senderReach('+18005550100', []);
    reach.push('XX');
    expect(TOLL_FREE_REACH).toEqual(['US', 'CA', 'PR']);
    expect(senderReach('+18005550100', [])).toEqual(['US', 'CA', 'PR']);
  });

  it('tells the country of a number, or nothing for what is no number', () => {
    expect(phoneCountry('+4915112345678')).toBe('DE');
    expect(phoneCountry('+12065550100')).toBe('US');
    expect(phoneCountry('12345')).toBeUndefined();
  });
});
