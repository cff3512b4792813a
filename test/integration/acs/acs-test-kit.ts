import { createAcsAdapters, type AcsAdapters } from '../../../shared/adapters/acs/acs-adapters';
import { TableServiceIdentityStore } from '../../../shared/adapters/tables/service-identity-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import type { TokenCredential } from '@azure/identity';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { emulatorAdmin } from '../../support/emulator-admin';

/** The emulator global-setup started for this jest run. */
export function globalEmulator(): { connectionString: string; endpoint: string; adminUrl: string; caCertPath: string } {
  const { TEST_ACS_CONNECTION_STRING, TEST_ACS_ENDPOINT, TEST_ACS_ADMIN_URL, TEST_ACS_CA_CERT_PATH } = process.env;
  if (!TEST_ACS_CONNECTION_STRING || !TEST_ACS_ENDPOINT || !TEST_ACS_ADMIN_URL || !TEST_ACS_CA_CERT_PATH) {
    throw new Error('TEST_ACS_* are not set: run tests through jest (global-setup starts the ACS emulator)');
  }
  return {
    connectionString: TEST_ACS_CONNECTION_STRING,
    endpoint: TEST_ACS_ENDPOINT,
    adminUrl: TEST_ACS_ADMIN_URL,
    caCertPath: TEST_ACS_CA_CERT_PATH,
  };
}

export const SMS_FROM = '+18005550100';
export const EMAIL_SENDER = 'no-reply@appointments.example';

/** The run's Azurite, with tables of this test file only: its adapters share one chat identity, as one deployment's processes do. */
const tablesOfThisFile = (() => {
  let tables: TableClients | undefined;
  return () =>
    (tables ??= new TableClients(
      parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
    ));
})();

/** Adapters built the way the composition root builds them, with short retry delays for tests. */
export function adaptersFor(env: Record<string, string>, credential?: () => TokenCredential): AcsAdapters {
  const settings = parseSettings({
    TABLE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    ACS_SMS_FROM: SMS_FROM,
    ACS_EMAIL_SENDER: EMAIL_SENDER,
    ACS_MAX_RETRIES: '3',
    ACS_RETRY_DELAY_MS: '10',
    ACS_MAX_RETRY_DELAY_MS: '50',
    ACS_EMAIL_POLL_INTERVAL_MS: '10',
    ...env,
  });
  return createAcsAdapters(settings, new TableServiceIdentityStore(tablesOfThisFile()), credential);
}

export const admin = emulatorAdmin;

let counter = 0;
// Jest runs several test files in one worker process, each with a fresh copy of this module: the pid
// alone does not keep their recipients apart, this module copy's random block does.
const block = 200 + Math.floor(Math.random() * 800);
const tag = Math.random().toString(36).slice(2, 8);

/**
 * A US phone number no other test uses (the emulator is shared by every test file of the run); a US
 * area code because the toll-free sender reaches only the US, Canada and Puerto Rico.
 */
export function uniquePhone(): string {
  counter += 1;
  return `+1206${block}${String(counter).padStart(4, '0')}`;
}

export function uniqueEmail(): string {
  counter += 1;
  return `consumer-${process.pid}-${tag}-${counter}@example.com`;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
