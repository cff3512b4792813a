import { startAcsEmulator } from '../../dev/acs-emulator/start';
import { startAzurite } from '../../dev/stack/azurite';
import { startServiceBusBroker } from '../../dev/servicebus-broker/start';
import { startGraphEmulator } from '../../dev/graph-emulator/start';

/** Starts the services tests talk to, once per jest run; workers inherit the environment. */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite();
  (globalThis as Record<string, unknown>).__AZURITE__ = azurite;
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  // Every test file shares this emulated resource as if each were its own deployment, so email has the
  // raised (high-volume) quota; the Azure-managed and custom-domain quotas are tested on private emulators.
  const acs = await startAcsEmulator({ resource: { emailProfile: 'raised' } });
  (globalThis as Record<string, unknown>).__ACS_EMULATOR__ = acs;
  process.env.TEST_ACS_CONNECTION_STRING = acs.connectionString;
  process.env.TEST_ACS_ENDPOINT = acs.endpoint;
  process.env.TEST_ACS_ADMIN_URL = acs.adminUrl;
  process.env.TEST_ACS_CA_CERT_PATH = acs.caCertPath;
  const serviceBus = await startServiceBusBroker();
  (globalThis as Record<string, unknown>).__SERVICEBUS_BROKER__ = serviceBus;
  process.env.TEST_SERVICEBUS_CONNECTION_STRING = serviceBus.connectionString;
  process.env.TEST_SERVICEBUS_ADMIN_URL = serviceBus.adminUrl;
  const graph = await startGraphEmulator();
  (globalThis as Record<string, unknown>).__GRAPH_EMULATOR__ = graph;
  process.env.TEST_GRAPH_BASE_URL = graph.baseUrl;
  process.env.TEST_GRAPH_ADMIN_URL = graph.adminUrl;
  process.env.TEST_GRAPH_CA_CERT_PATH = graph.caCertPath;
  process.env.TEST_GRAPH_IDENTITY_ENDPOINT = graph.identityEndpoint;
  process.env.TEST_GRAPH_IDENTITY_HEADER = graph.identityHeader;
}
