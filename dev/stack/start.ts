/**
 * `npm start`: the whole local stack in one command. Azurite (persisting in .data/azurite on its
 * default ports), the ACS emulator, the Service Bus broker and the Microsoft Graph emulator, then the function host on 7071 serving
 * the built app; Ctrl+C stops everything.
 */
import path from 'node:path';
import { parseClockMode } from '../host/clock';
import { startHost } from '../host/host';
import { printBanner } from '../host/main';
import type { HostPlugin } from '../host/types';
import { startAcsEmulator } from '../acs-emulator/start';
import { startServiceBusBroker } from '../servicebus-broker/start';
import { startGraphEmulator } from '../graph-emulator/start';
import { startAzurite } from './azurite';
import { localStackPlugins } from './plugins';
import { localSettings } from './local-settings';
import { ensurePortsFree } from './port-check';
import { startStack, type StackService } from './services';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const AZURITE_PORTS = { blob: 10000, queue: 10001, table: 10002 };
const HOST_PORT = 7071;

export function azuriteService(location: string): StackService {
  return {
    name: 'Azurite',
    start: async () => {
      await ensurePortsFree([
        { port: AZURITE_PORTS.blob, what: 'Azurite blob' },
        { port: AZURITE_PORTS.queue, what: 'Azurite queue' },
        { port: AZURITE_PORTS.table, what: 'Azurite table' },
      ]);
      const azurite = await startAzurite({ location, ports: AZURITE_PORTS });
      // If this process dies without a clean stop, do not leave Azurite holding the ports.
      const killOnExit = () => {
        try {
          process.kill(azurite.pid);
        } catch {
          // already gone
        }
      };
      process.once('exit', killOnExit);
      return {
        env: { TABLE_STORAGE_CONNECTION_STRING: azurite.connectionString, AzureWebJobsStorage: azurite.connectionString },
        banner: [
          `Azurite:  blob ${AZURITE_PORTS.blob}, queue ${AZURITE_PORTS.queue}, table ${AZURITE_PORTS.table} (data in ${path.relative(REPO_ROOT, location)})`,
        ],
        stop: async () => {
          await azurite.stop();
          process.off('exit', killOnExit);
        },
      };
    },
  };
}

/**
 * The ACS emulator as its own process (its record of what was sent survives app restarts). Its
 * resource (id, identities, token key) is kept in `stateFile` beside Azurite's data, as Azure keeps
 * it, so identities stored in Azurite stay valid across `npm start`s. Email has the custom-domain
 * quota, the production path; tests choose the Azure-managed one per case.
 */
export function acsEmulatorService(stateFile?: string): StackService {
  return {
    name: 'ACS emulator',
    start: async (env) => {
      const acs = await startAcsEmulator({ ...(stateFile ? { stateFile } : {}), resource: { emailProfile: 'custom-domain' } });
      return {
        env: {
          ACS_CONNECTION_STRING: acs.connectionString,
          ACS_CA_CERT_PATH: acs.caCertPath,
          ACS_EMULATOR_ADMIN_URL: acs.adminUrl,
          ACS_EMAIL_SENDER: env.ACS_EMAIL_SENDER || 'no-reply@appointments.example',
          ACS_SMS_FROM: env.ACS_SMS_FROM || '+18005550100',
        },
        banner: [`ACS:      ${acs.endpoint} (emulator; admin ${acs.adminUrl})`],
        stop: () => acs.stop(),
      };
    },
  };
}

/** The Service Bus broker as its own process: the app publishes appointment events to its topic. */
export function serviceBusBrokerService(): StackService {
  return {
    name: 'Service Bus broker',
    start: async () => {
      const broker = await startServiceBusBroker();
      return {
        env: { SERVICEBUS_CONNECTION_STRING: broker.connectionString, SERVICEBUS_BROKER_ADMIN_URL: broker.adminUrl },
        banner: [`Service Bus: ${broker.connectionString.split(';')[0]} (local broker; topic appointment-events, subscription all)`],
        stop: () => broker.stop(),
      };
    },
  };
}

/**
 * The Microsoft Graph emulator as its own process: providers' Outlook calendars and Teams meetings. Its
 * identity endpoint stands in for the App Service managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER),
 * so the app gets Graph tokens exactly as in Azure. Mailboxes are registered through its admin API
 * (docs/graph-emulator.md), as a tenant's admin licenses users.
 */
export function graphEmulatorService(): StackService {
  return {
    name: 'Graph emulator',
    start: async () => {
      const graph = await startGraphEmulator();
      return {
        env: {
          GRAPH_BASE_URL: graph.baseUrl,
          GRAPH_CA_CERT_PATH: graph.caCertPath,
          GRAPH_EMULATOR_ADMIN_URL: graph.adminUrl,
          IDENTITY_ENDPOINT: graph.identityEndpoint,
          IDENTITY_HEADER: graph.identityHeader,
        },
        banner: [`Graph:    ${graph.baseUrl} (emulator; admin ${graph.adminUrl})`],
        stop: () => graph.stop(),
      };
    },
  };
}

/** The function host in this process; the app reads the stack's settings from process.env. */
export function functionHostService(options: { appDir: string; port: number; plugins?: HostPlugin[] }): StackService {
  return {
    name: 'Function host',
    start: async (env) => {
      await ensurePortsFree([{ port: options.port, what: 'function host' }]);
      Object.assign(process.env, env);
      const host = await startHost({
        appDir: options.appDir,
        port: options.port,
        clockMode: parseClockMode(env.CLOCK_MODE),
        env,
        plugins: options.plugins ?? localStackPlugins(env),
      });
      printBanner(host);
      const api = host.apiUrl.replace('127.0.0.1', 'localhost');
      return {
        banner: [
          `API:      ${api}`,
          `Health:   ${api}/health`,
          `OpenAPI:  ${api}/openapi.json`,
          `Clock:    ${host.clock.mode} (${api}/dev/clock)`,
        ],
        stop: () => host.stop(),
      };
    },
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const env = localSettings(REPO_ROOT, process.env);
  const stack = await startStack(
    [
      azuriteService(path.join(REPO_ROOT, '.data', 'azurite')),
      acsEmulatorService(path.join(REPO_ROOT, '.data', 'acs-emulator', 'resource.json')),
      serviceBusBrokerService(),
      graphEmulatorService(),
      functionHostService({ appDir: REPO_ROOT, port: HOST_PORT }),
    ],
    env,
  );
  console.log(
    ['', `Local stack ready in ${Date.now() - startedAt} ms:`, ...stack.banner.map((line) => `  ${line}`), '  Ctrl+C stops it.', ''].join(
      '\n',
    ),
  );

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1); // a second Ctrl+C does not wait
    console.log(`${signal}: stopping the local stack...`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
