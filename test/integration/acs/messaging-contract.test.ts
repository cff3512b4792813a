import type { DeliveredMessage } from '../../support/fakes/messaging';
import { messagingContract } from '../../support/contracts/messaging.contract';
import { adaptersFor, admin, globalEmulator, uniqueEmail, uniquePhone } from './acs-test-kit';

// The same suite pins FakeMessaging (test/support/fakes/messaging.ts) in test/unit/contracts/fakes.test.ts.
describe('ACS email and SMS adapters keep the messaging contract (ACS emulator)', () => {
  messagingContract(() => {
    const emulator = globalEmulator();
    const acs = adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_CERT_PATH: emulator.caCertPath });
    return {
      email: acs.email,
      sms: acs.sms,
      sentTo: async (address) =>
        (await admin<{ messages: DeliveredMessage[] }>(emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(address)}`)).body
          .messages,
      uniqueEmail,
      uniquePhone,
    };
  });
});
