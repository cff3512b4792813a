import { startChildService } from '../stack/child-service';
import type { BrokerServerOptions } from './server';

export interface RunningServiceBusBroker {
  /** SERVICEBUS_CONNECTION_STRING for the app (plain AMQP, `UseDevelopmentEmulator=true`). */
  connectionString: string;
  /** http://127.0.0.1:<port> of the inspection API (SERVICEBUS_BROKER_ADMIN_URL). */
  adminUrl: string;
  pid: number;
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  connectionString: string;
  adminUrl: string;
}

/** Starts the Service Bus broker as its own process (what it delivered outlives app restarts) and waits until it listens. */
export async function startServiceBusBroker(options: BrokerServerOptions = {}, timeoutMs = 15_000): Promise<RunningServiceBusBroker> {
  const { ready, pid, stop } = await startChildService<ReadyMessage>({
    name: 'Service Bus broker',
    dir: __dirname,
    optionsVariable: 'SERVICEBUS_BROKER_OPTIONS',
    options,
    timeoutMs,
  });
  return { connectionString: ready.connectionString, adminUrl: ready.adminUrl, pid, stop };
}
