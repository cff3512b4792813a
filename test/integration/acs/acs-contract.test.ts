import { acsContract } from '../../support/contracts/acs.contract';
import { adaptersFor, globalEmulator } from './acs-test-kit';

// The same suite pins FakeAcs (test/support/fakes/acs.ts) in test/unit/contracts/fakes.test.ts.
describe('ACS identity, rooms and chat adapters keep the contract the fakes follow (ACS emulator)', () => {
  acsContract(() => {
    const emulator = globalEmulator();
    const acs = adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_CERT_PATH: emulator.caCertPath });
    return { identity: acs.identity, rooms: acs.rooms, chat: acs.chat };
  });
});
