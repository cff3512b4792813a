import { startBrokerServer, type BrokerServerOptions } from './server';

/**
 * The broker's process entry. Options come as JSON in SERVICEBUS_BROKER_OPTIONS (see broker.ts). It
 * reports `{ connectionString, adminUrl }` over IPC when forked by startServiceBusBroker, else as one
 * JSON line on stdout; it ends with its parent or on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.env.SERVICEBUS_BROKER_OPTIONS ?? '{}') as BrokerServerOptions;
  const server = await startBrokerServer(options);
  const ready = { type: 'ready', connectionString: server.connectionString, adminUrl: server.adminUrl };
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
  process.stderr.write(`servicebus-broker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
