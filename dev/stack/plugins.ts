import { devMessagesRoute } from '../acs-emulator/dev-messages-route';
import { devEventsRoute } from '../servicebus-broker/dev-events-route';
import { devCalendarsRoute } from '../graph-emulator/dev-calendars-route';
import { devIssuerKeyFile, devIssuerPlugin } from '../auth/dev-issuer';
import { durableBackendPlugin } from '../durable/plugin';
import { virtualClockStorePlugin } from './virtual-clock-store';
import type { HostPlugin } from '../host/types';

/**
 * The local stack's additions to the function host, chosen from the environment so `npm start`, the
 * e2e host processes and benches all run the same pieces: durable backend, dev issuer, ACS messages, Service Bus events, Graph calendars.
 */
export function localStackPlugins(env: Record<string, string | undefined>): HostPlugin[] {
  const plugins: HostPlugin[] = [];
  const storage = env.AzureWebJobsStorage ?? env.TABLE_STORAGE_CONNECTION_STRING;
  if (storage) {
    // The clock first: the durable backend fires what is due at the restored time.
    plugins.push(virtualClockStorePlugin({ connectionString: storage, tablePrefix: env.TABLE_NAME_PREFIX ?? '' }));
    plugins.push(
      durableBackendPlugin({
        connectionString: storage,
        tablePrefix: `${env.TABLE_NAME_PREFIX ?? ''}Hub`,
        logLevel: logLevel(env.LOG_LEVEL),
      }),
    );
  }
  plugins.push(devIssuerPlugin(devIssuerKeyFile(env)));
  const acsAdmin = env.ACS_EMULATOR_ADMIN_URL;
  if (acsAdmin) {
    plugins.push({ name: 'acs-dev-messages', setup: (host) => host.addDevRoute(devMessagesRoute(acsAdmin)) });
  }
  const brokerAdmin = env.SERVICEBUS_BROKER_ADMIN_URL;
  if (brokerAdmin) {
    const topic = env.SERVICEBUS_TOPIC || 'appointment-events';
    plugins.push({ name: 'servicebus-dev-events', setup: (host) => host.addDevRoute(devEventsRoute(brokerAdmin, topic)) });
  }
  const graphAdmin = env.GRAPH_EMULATOR_ADMIN_URL;
  if (graphAdmin) {
    plugins.push({ name: 'graph-dev-calendars', setup: (host) => host.addDevRoute(devCalendarsRoute(graphAdmin)) });
  }
  return plugins;
}

function logLevel(value: string | undefined): 'debug' | 'info' | 'warn' | 'error' {
  return value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';
}
