/** Issue 12: the stored counters behind every cap, against Azurite. */
import { TablePhoneVerificationStore } from '../../../shared/adapters/tables/phone-verification-store';
import { TableQuotaStore } from '../../../shared/adapters/tables/quota-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

const tables = new TableClients(
  parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
);
const quotas = new TableQuotaStore(tables);
const HOUR = 3_600_000;
const t0 = Date.parse('2030-01-07T10:15:00Z');

test('concurrent takes never count past the limit (instances race on one row)', async () => {
  const results = await Promise.all(Array.from({ length: 12 }, () => quotas.take('sms-recipient|+4915112345678', 5, HOUR, t0)));
  expect(results.filter(Boolean)).toHaveLength(5);
  expect(await quotas.take('sms-recipient|+4915112345678', 5, HOUR, t0 + 10 * 60_000)).toBe(false); // same window
  expect(await quotas.take('sms-recipient|+4915112345678', 5, HOUR, t0 + HOUR)).toBe(true); // the next one
  expect(await quotas.take('sms-recipient|+4915100000000', 5, HOUR, t0)).toBe(true); // another counter
});

test('stores no recipient in clear, and ended windows are purged', async () => {
  await quotas.take('email-recipient|jane@example.com', 3, HOUR, t0);
  const client = await tables.table('quotas');
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of client.listEntities()) rows.push(row);
  expect(JSON.stringify(rows)).not.toMatch(/jane|example\.com|\+49151/);
  const purged = await quotas.purgeExpired(t0 + 3 * HOUR);
  expect(purged).toBe(rows.length);
  expect(await quotas.take('email-recipient|jane@example.com', 1, HOUR, t0)).toBe(true); // its window starts over
});

test('expired phone verifications are purged, live ones kept', async () => {
  const store = new TablePhoneVerificationStore(tables);
  const base = { businessId: 'clinic', phoneHash: 'h', codeHash: 'c', createdAt: t0, failedAttempts: 0 };
  await store.create({ ...base, id: 'a'.repeat(32), expiresAt: t0 + 10 * 60_000 });
  await store.create({ ...base, id: 'b'.repeat(32), expiresAt: t0 + 60 * 60_000 });
  expect(await store.purgeExpired(t0 + 30 * 60_000)).toBe(1);
  expect(await store.find('clinic', 'a'.repeat(32))).toBeUndefined();
  expect(await store.find('clinic', 'b'.repeat(32))).toBeDefined();
});
