import type { SmsOptOutStore } from '../../../shared/app/ports/privacy';

/** What every SmsOptOutStore does; runs against the in-memory fake and TableSmsOptOutStore on Azurite. */
export function smsOptOutStoreContract(make: () => SmsOptOutStore): void {
  let store: SmsOptOutStore;
  beforeEach(() => {
    store = make();
  });

  it('knows a number as opted out of one business only once recorded, and not of any other business', async () => {
    expect(await store.isOptedOut('b1', '+13125550100')).toBe(false);
    await store.record('b1', '+13125550100', 100);
    expect(await store.isOptedOut('b1', '+13125550100')).toBe(true);
    expect(await store.isOptedOut('b2', '+13125550100')).toBe(false);
    expect(await store.isOptedOut('b1', '+13125550101')).toBe(false);
  });

  it('records the same opt-out twice without complaint', async () => {
    await store.record('b1', '+13125550102', 100);
    await expect(store.record('b1', '+13125550102', 200)).resolves.toBeUndefined();
    expect(await store.isOptedOut('b1', '+13125550102')).toBe(true);
  });

  it('forgets an opt-out removed for one business only; removing one never recorded is no error', async () => {
    await store.record('b1', '+13125550103', 100);
    await store.record('b2', '+13125550103', 100);
    await store.remove('b1', '+13125550103');
    expect(await store.isOptedOut('b1', '+13125550103')).toBe(false);
    expect(await store.isOptedOut('b2', '+13125550103')).toBe(true);
    await expect(store.remove('b1', '+13125550103')).resolves.toBeUndefined();
    await expect(store.remove('b3', '+13125550104')).resolves.toBeUndefined();
  });
}
