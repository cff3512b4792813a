import { TableAppointmentStore } from '../../../shared/adapters/tables/appointment-store';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableIdempotencyStore } from '../../../shared/adapters/tables/idempotency-store';
import { TableNotificationStore } from '../../../shared/adapters/tables/notification-store';
import { TableLookupRequestStore } from '../../../shared/adapters/tables/lookup-request-store';
import { lookupRequestStoreContract } from '../../support/contracts/lookup-request-store.contract';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { TableFeedTokenStore } from '../../../shared/adapters/tables/feed-token-store';
import { TableProviderIdentityStore } from '../../../shared/adapters/tables/acs-identity-store';
import { TablePhoneVerificationStore } from '../../../shared/adapters/tables/phone-verification-store';
import { TableQuotaStore } from '../../../shared/adapters/tables/quota-store';
import { TableServiceIdentityStore } from '../../../shared/adapters/tables/service-identity-store';
import {
  feedTokenStoreContract,
  phoneVerificationStoreContract,
  providerIdentityStoreContract,
  quotaStoreContract,
  serviceIdentityStoreContract,
} from '../../support/contracts/small-stores.contract';
import { providerCalendarRepositoryContract } from '../../support/contracts/provider-calendar-repository.contract';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import { appointmentStoreContract } from '../../support/contracts/appointment-store.contract';
import { businessRepositoryContract } from '../../support/contracts/business-repository.contract';
import { idempotencyStoreContract } from '../../support/contracts/idempotency-store.contract';
import { notificationStoreContract } from '../../support/contracts/notification-store.contract';
import { smsOptOutStoreContract } from '../../support/contracts/sms-opt-out-store.contract';
import { TableSmsOptOutStore } from '../../../shared/adapters/tables/sms-opt-out-store';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

/** Fresh tables per test (a new prefix), so each contract test starts from empty storage as the fakes do. */
const freshTables = () =>
  new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  );

// The same suites pin the in-memory fakes of test/support/fakes in test/unit/contracts/fakes.test.ts.
describe('Table Storage adapters keep the port contracts (Azurite)', () => {
  describe('TableAppointmentStore', () => {
    appointmentStoreContract(() => {
      const tables = freshTables();
      const calendars = new TableProviderCalendarRepository(tables);
      return {
        store: new TableAppointmentStore(tables),
        saveSchedule: (r) => calendars.saveSchedule(r, undefined),
        saveOverride: (r) => calendars.saveOverride(r, undefined),
      };
    });
  });
  describe('TableProviderCalendarRepository', () => {
    providerCalendarRepositoryContract(() => {
      const tables = freshTables();
      return { calendars: new TableProviderCalendarRepository(tables), store: new TableAppointmentStore(tables) };
    });
  });
  describe('TableBusinessRepository', () => businessRepositoryContract(() => new TableBusinessRepository(freshTables())));
  describe('TableIdempotencyStore', () => idempotencyStoreContract(() => new TableIdempotencyStore(freshTables())));
  describe('TableNotificationStore', () => notificationStoreContract(() => new TableNotificationStore(freshTables())));
  describe('TableLookupRequestStore', () => lookupRequestStoreContract(() => new TableLookupRequestStore(freshTables())));
  describe('TableSmsOptOutStore', () => smsOptOutStoreContract(() => new TableSmsOptOutStore(freshTables())));
  describe('TablePhoneVerificationStore', () => phoneVerificationStoreContract(() => new TablePhoneVerificationStore(freshTables())));
  describe('TableQuotaStore', () => quotaStoreContract(() => new TableQuotaStore(freshTables())));
  describe('TableFeedTokenStore', () => feedTokenStoreContract(() => new TableFeedTokenStore(freshTables())));
  describe('TableProviderIdentityStore', () => providerIdentityStoreContract(() => new TableProviderIdentityStore(freshTables())));
  describe('TableServiceIdentityStore', () => serviceIdentityStoreContract(() => new TableServiceIdentityStore(freshTables())));
});
