import { appointmentStoreContract } from '../../support/contracts/appointment-store.contract';
import { businessRepositoryContract } from '../../support/contracts/business-repository.contract';
import { idempotencyStoreContract } from '../../support/contracts/idempotency-store.contract';
import { eventPublisherContract } from '../../support/contracts/event-publisher.contract';
import { messagingContract } from '../../support/contracts/messaging.contract';
import { notificationStoreContract } from '../../support/contracts/notification-store.contract';
import {
  feedTokenStoreContract,
  phoneVerificationStoreContract,
  providerIdentityStoreContract,
  quotaStoreContract,
  serviceIdentityStoreContract,
} from '../../support/contracts/small-stores.contract';
import { InMemoryFeedTokenStore } from '../../support/fakes/feed-token-store';
import { InMemoryProviderIdentityStore, InMemoryServiceIdentityStore } from '../../support/fakes/identity-stores';
import { InMemoryPhoneVerificationStore } from '../../support/fakes/phone-verification-store';
import { InMemoryQuotaStore } from '../../support/fakes/quota-store';
import { providerCalendarRepositoryContract } from '../../support/contracts/provider-calendar-repository.contract';
import { acsContract } from '../../support/contracts/acs.contract';
import { FakeAcs } from '../../support/fakes/acs';
import { InMemoryAppointmentStore } from '../../support/fakes/appointment-store';
import { InMemoryBusinessRepository } from '../../support/fakes/business-repository';
import { InMemoryIdempotencyStore } from '../../support/fakes/idempotency-store';
import { RecordingEventPublisher } from '../../support/fakes/event-publisher';
import { FakeMessaging } from '../../support/fakes/messaging';
import { InMemoryNotificationStore } from '../../support/fakes/notification-store';
import { InMemoryLookupRequestStore } from '../../support/fakes/lookup-request-store';
import { lookupRequestStoreContract } from '../../support/contracts/lookup-request-store.contract';
import { smsOptOutStoreContract } from '../../support/contracts/sms-opt-out-store.contract';
import { InMemorySmsOptOutStore } from '../../support/fakes/sms-opt-out-store';
import { staffCalendarContract } from '../../support/contracts/staff-calendar.contract';
import { InMemoryStaffCalendar } from '../../support/fakes/staff-calendar';

// The same suites run against the Table Storage adapters on Azurite (test/integration/tables/port-contracts.test.ts)
// the ACS adapters on the ACS emulator (test/integration/acs/messaging-contract.test.ts) and the Service Bus
// publisher on the local broker (test/integration/servicebus/event-publisher-contract.test.ts) and the Graph
// calendar adapter on the Graph emulator (test/integration/graph/graph-calendar-contract.test.ts).
describe('in-memory fakes keep the port contracts', () => {
  describe('InMemoryStaffCalendar', () => {
    staffCalendarContract(async () => {
      const calendar = new InMemoryStaffCalendar();
      let n = 0;
      return {
        calendar,
        newMailbox: async () => `mailbox-${++n}`,
        events: async (mailbox) =>
          calendar.of(mailbox).map(({ id, start, end, joinUrl, location, state, cancelComment }) => ({
            id,
            start,
            end,
            state,
            ...(joinUrl ? { joinUrl } : {}),
            ...(location ? { location } : {}),
            ...(cancelComment ? { cancelComment } : {}),
          })),
      };
    });
  });
  describe('InMemoryAppointmentStore', () => {
    appointmentStoreContract(() => {
      const store = new InMemoryAppointmentStore();
      return { store, saveSchedule: (r) => store.saveSchedule(r), saveOverride: (r) => store.saveOverride(r) };
    });
  });
  describe('InMemoryAppointmentStore.calendarRepository()', () => {
    providerCalendarRepositoryContract(() => {
      const store = new InMemoryAppointmentStore();
      return { store, calendars: store.calendarRepository() };
    });
  });
  describe('InMemoryBusinessRepository', () => businessRepositoryContract(() => new InMemoryBusinessRepository()));
  describe('InMemoryIdempotencyStore', () => idempotencyStoreContract(() => new InMemoryIdempotencyStore()));
  describe('InMemoryNotificationStore', () => notificationStoreContract(() => new InMemoryNotificationStore()));
  describe('InMemoryLookupRequestStore', () => lookupRequestStoreContract(() => new InMemoryLookupRequestStore()));
  describe('InMemorySmsOptOutStore', () => smsOptOutStoreContract(() => new InMemorySmsOptOutStore()));
  describe('InMemoryPhoneVerificationStore', () => phoneVerificationStoreContract(() => new InMemoryPhoneVerificationStore()));
  describe('InMemoryQuotaStore', () => quotaStoreContract(() => new InMemoryQuotaStore()));
  describe('InMemoryFeedTokenStore', () => feedTokenStoreContract(() => new InMemoryFeedTokenStore()));
  describe('InMemoryProviderIdentityStore', () => providerIdentityStoreContract(() => new InMemoryProviderIdentityStore()));
  describe('InMemoryServiceIdentityStore', () => serviceIdentityStoreContract(() => new InMemoryServiceIdentityStore()));
  describe('RecordingEventPublisher', () => {
    eventPublisherContract(async () => {
      const publisher = new RecordingEventPublisher();
      return {
        publisher,
        received: async () => publisher.published.map(({ id, type, appointmentId }) => ({ id, type, appointmentId })),
        close: async () => undefined,
      };
    });
  });
  describe('FakeAcs', () => acsContract(() => new FakeAcs()));
  describe('FakeMessaging', () => {
    let n = 0;
    messagingContract(() => {
      const fake = new FakeMessaging();
      return {
        email: fake.email,
        sms: fake.sms,
        sentTo: async (to) => fake.sentTo(to),
        uniqueEmail: () => `c${++n}@example.com`,
        uniquePhone: () => `+1206555${String(++n).padStart(4, '0')}`,
      };
    });
  });
});
