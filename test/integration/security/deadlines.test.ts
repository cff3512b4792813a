/**
 * Issue 12 defect 7: every outbound call has a deadline. A server that accepts connections and never
 * answers stands in for a hung dependency; each real SDK client must give up within its deadline
 * (times its retries) instead of waiting for ever.
 */
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateCertificate } from '../../../dev/acs-emulator/certificate';
import { AcsSmsAdapter } from '../../../shared/adapters/acs/sms';
import { AcsEmailAdapter } from '../../../shared/adapters/acs/email';
import { acsClientConfig } from '../../../shared/adapters/acs/client-options';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { serviceBusEventPublisher } from '../../../shared/adapters/servicebus/event-publisher';
import { parseSettings } from '../../../shared/config/settings';
import { AcsError } from '../../../shared/app/ports/acs';
import type { AppointmentEvent } from '../../../shared/app/ports/events';
import { OutboundTimeoutError } from '../../../shared/adapters/deadline/deadline-policy';

let silent: net.Server;
let port: number;
const sockets = new Set<{ destroy(): void }>();
let acsLike: https.Server;
let acsPort: number;
let caCertPath: string;

beforeAll(async () => {
  // Accepts, reads, never writes: the worst kind of dependency failure (no reset, no answer).
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as net.AddressInfo).port;
  // ACS speaks HTTPS only: a TLS server that never answers SMS, and whose email operations never finish.
  const certificate = generateCertificate(path.join(os.tmpdir(), `deadlines-${process.pid}`));
  caCertPath = certificate.certPath;
  acsLike = https.createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    request.resume();
    if (request.url?.startsWith('/emails:send')) {
      response.writeHead(202, {
        'content-type': 'application/json',
        'operation-location': `https://127.0.0.1:${acsPort}/emails/operations/op-1?api-version=2023-03-31`,
      });
      response.end(JSON.stringify({ id: 'op-1', status: 'Running' }));
    } else if (request.url?.startsWith('/emails/operations/')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'op-1', status: 'Running' }));
    }
    // anything else (SMS): never answered
  });
  acsLike.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => acsLike.listen(0, '127.0.0.1', resolve));
  acsPort = (acsLike.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await new Promise((resolve) => acsLike.close(resolve));
});

const key = Buffer.from('not-a-real-key').toString('base64');

async function elapsed<T>(work: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await work();
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

test('an ACS call to a silent service fails transiently after its tries, each bounded by OUTBOUND_TIMEOUT_MS', async () => {
  const config = acsClientConfig(
    {
      ACS_CONNECTION_STRING: `endpoint=https://127.0.0.1:${acsPort}/;accesskey=${key}`,
      ACS_CA_CERT_PATH: caCertPath,
      ACS_MAX_RETRIES: 1,
      ACS_RETRY_DELAY_MS: 100,
      ACS_MAX_RETRY_DELAY_MS: 200,
      OUTBOUND_TIMEOUT_MS: 300,
    },
    () => {
      throw new Error('no credential locally');
    },
  );
  const sms = new AcsSmsAdapter(config, '+18005550100');
  const { ms, error } = await elapsed(() => sms.send({ to: ['+15555550100'], message: 'hello' }));
  expect(error).toBeInstanceOf(AcsError);
  expect(error).toMatchObject({ code: 'ETIMEDOUT', transient: true });
  expect(ms).toBeGreaterThanOrEqual(600); // two tries of 300 ms: the pipeline retried the timed-out one
  expect(ms).toBeLessThan(5000);
});

test('an email send gives up at its whole-send deadline and is retried later (transient)', async () => {
  const config = acsClientConfig(
    {
      ACS_CONNECTION_STRING: `endpoint=https://127.0.0.1:${acsPort}/;accesskey=${key}`,
      ACS_CA_CERT_PATH: caCertPath,
      ACS_MAX_RETRIES: 0,
      ACS_RETRY_DELAY_MS: 100,
      ACS_MAX_RETRY_DELAY_MS: 200,
      OUTBOUND_TIMEOUT_MS: 300,
    },
    () => {
      throw new Error('no credential locally');
    },
  );
  const email = new AcsEmailAdapter(config, 'no-reply@appointments.example', 100, 1000);
  const { ms, error } = await elapsed(() => email.send({ to: [{ address: 'someone@example.com' }], subject: 's', plainText: 't' }));
  expect(error).toBeInstanceOf(AcsError);
  expect(error).toMatchObject({ code: 'Timeout', transient: true });
  expect(ms).toBeGreaterThanOrEqual(1000); // polled until the whole-send deadline, not stopped by a single try
  expect(ms).toBeLessThan(5000);
});

test('a Table Storage call to a silent account fails with a timeout instead of hanging', async () => {
  const tables = new TableClients(
    parseSettings({
      TABLE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1`,
      OUTBOUND_TIMEOUT_MS: '200',
    }),
  );
  // The SDK's default retry policy (3 retries, exponential delays) still applies; every try is bounded.
  const { ms, error } = await elapsed(() => tables.table('scheduling')); // creating the table on first use is the first call
  expect(error).toBeInstanceOf(OutboundTimeoutError);
  expect(ms).toBeLessThan(20_000);
}, 30_000);

test('a Service Bus publish to a silent broker fails at its deadline (the outbox row is retried)', async () => {
  const publisher = serviceBusEventPublisher({
    SERVICEBUS_CONNECTION_STRING: `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=k;SharedAccessKey=${key};UseDevelopmentEmulator=true`,
    SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: undefined,
    SERVICEBUS_TOPIC: 'appointment-events',
    OUTBOUND_TIMEOUT_MS: 500,
  });
  const event: AppointmentEvent = { id: 'e1', type: 'appointment.booked', businessId: 'b', appointmentId: 'a', time: 0, data: {} };
  const { ms, error } = await elapsed(() => publisher.publish(event));
  expect(error).toBeDefined();
  expect(ms).toBeLessThan(5000);
  await publisher.close().catch(() => undefined);
});
