import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBroker, type BrokerOptions } from './broker';

export type BrokerServerOptions = BrokerOptions;

export interface RunningBrokerServer {
  /** `Endpoint=sb://127.0.0.1:<port>;...;UseDevelopmentEmulator=true` (SERVICEBUS_CONNECTION_STRING). */
  connectionString: string;
  /** http://127.0.0.1:<port> of the inspection API. */
  adminUrl: string;
  close(): Promise<void>;
}

/**
 * The AMQP broker plus a plain-HTTP inspection API on loopback:
 * `GET /admin/topics/<topic>/messages` lists what the topic accepted (duplicates excluded), oldest first.
 */
export async function startBrokerServer(options: BrokerServerOptions = {}): Promise<RunningBrokerServer> {
  const broker = await startBroker(options);
  const admin = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/admin\/topics\/([^/]+)\/messages$/.exec(url.pathname);
    const topic = match && request.method === 'GET' ? broker.topics.get(decodeURIComponent(match[1]!).toLowerCase()) : undefined;
    const [status, body] = topic
      ? [200, { messages: topic.accepted }]
      : [404, { error: { code: 'NotFound', message: `no such topic or route: ${url.pathname}` } }];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    admin.once('error', reject);
    admin.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    connectionString: broker.connectionString,
    adminUrl: `http://127.0.0.1:${(admin.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => admin.close(() => resolve()));
      await broker.close();
    },
  };
}
