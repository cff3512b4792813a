import { runChildService } from '../stack/child-service';
import { startBrokerServer, type BrokerServerOptions } from './server';

// The broker's process entry: options in SERVICEBUS_BROKER_OPTIONS (see broker.ts); reports
// `{ connectionString, adminUrl }` to startServiceBusBroker.
runChildService<BrokerServerOptions>('servicebus-broker', 'SERVICEBUS_BROKER_OPTIONS', async (options) => {
  const server = await startBrokerServer(options);
  return { ready: { connectionString: server.connectionString, adminUrl: server.adminUrl }, close: () => server.close() };
});
