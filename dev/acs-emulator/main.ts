import { runChildService } from '../stack/child-service';
import { startEmulatorServer, type EmulatorServerOptions } from './server';

// The emulator's process entry: options in ACS_EMULATOR_OPTIONS (see server.ts); reports
// `{ endpoint, connectionString, adminUrl, caCertPath }` to startAcsEmulator (or prints it when run by hand).
runChildService<EmulatorServerOptions>('acs-emulator', 'ACS_EMULATOR_OPTIONS', async (options) => {
  const server = await startEmulatorServer(options);
  return {
    ready: {
      endpoint: server.endpoint,
      connectionString: server.connectionString,
      adminUrl: server.adminUrl,
      caCertPath: server.caCertPath,
    },
    close: () => server.close(),
  };
});
