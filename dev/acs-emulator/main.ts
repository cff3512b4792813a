import { startEmulatorServer, type EmulatorServerOptions } from './server';

/**
 * The emulator's process entry. Options come as JSON in ACS_EMULATOR_OPTIONS (see server.ts).
 * It reports `{ endpoint, connectionString, adminUrl, caCertPath }` over IPC when forked by
 * startAcsEmulator, else as one JSON line on stdout; it ends with its parent or on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.env.ACS_EMULATOR_OPTIONS ?? '{}') as EmulatorServerOptions;
  const server = await startEmulatorServer(options);
  const ready = { type: 'ready', endpoint: server.endpoint, connectionString: server.connectionString, adminUrl: server.adminUrl, caCertPath: server.caCertPath };
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (process.send) {
    process.once('disconnect', stop);
    process.send(ready);
  } else {
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-emulator failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
