import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopChild } from '../../dev/stack/azurite';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../dev/auth/dev-issuer';
import { freePort } from '../../dev/stack/ports';
import { testStorageConnectionString, uniqueTablePrefix } from './env';
import { assertNoLeaks } from './log-leaks';

// From test/support (jest) or dist/test/support (benches): the repository root holds package.json.
const REPO_ROOT = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')].find((dir) =>
  fs.existsSync(path.join(dir, 'package.json')),
)!;
const HOST_MAIN = path.join(REPO_ROOT, 'dist', 'dev', 'host', 'main.js');

export interface HostProcessOptions {
  /** App folder (package.json `main`, host.json); default the repository root (the built app). */
  appDir?: string;
  /** Extra or overriding settings. */
  env?: Record<string, string>;
  clockMode?: 'real' | 'virtual';
}

export interface HostProcess {
  /** e.g. http://127.0.0.1:41234/api */
  baseUrl: string;
  pid: number;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
  /** Graceful: SIGTERM, then SIGKILL after a grace period. Fails if the host printed a secret (the logs suite). */
  stop(): Promise<void>;
  /** SIGKILL, for crash tests. */
  kill(): Promise<void>;
}

/**
 * Runs `node dist/dev/host/main.js` as a child against the test Azurite with its own table prefix, and
 * resolves once it serves HTTP. Needs `npm run build` (npm test runs it first).
 */
export async function startHostProcess(options: HostProcessOptions = {}): Promise<HostProcess> {
  const port = await freePort();
  const connection = testStorageConnectionString();
  const env = {
    ...process.env,
    TABLE_STORAGE_CONNECTION_STRING: connection,
    AzureWebJobsStorage: connection,
    TABLE_NAME_PREFIX: uniqueTablePrefix(),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}/api`,
    // Staff tokens from the dev issuer, whose keys this very host serves.
    AUTH_ISSUER: DEV_ISSUER,
    AUTH_AUDIENCE: DEV_AUDIENCE,
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/api/dev/jwks`,
    CLOCK_MODE: options.clockMode ?? 'real',
    // As in infra/main.bicep: the host stops reading where the app's limit is.
    FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '65536',
    ...acsEmulatorSettings(),
    ...serviceBusSettings(),
    ...graphEmulatorSettings(),
    ...options.env,
  };
  const child = spawn(process.execPath, [HOST_MAIN, '--app', options.appDir ?? REPO_ROOT, '--port', String(port)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`host exited (${code ?? signal}) before serving:\n${output}`))),
  );
  exited.catch(() => undefined);

  const baseUrl = `http://127.0.0.1:${port}/api`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  await Promise.race([waitUntilServing(`${baseUrl}/dev/clock`, alive), exited]);
  return {
    baseUrl,
    pid: child.pid ?? -1,
    output: () => output,
    stop: async () => {
      await stopChild(child, 5000);
      assertNoLeaks(output, `the host on port ${port}`);
    },
    kill: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
      assertNoLeaks(output, `the host on port ${port}`);
    },
  };
}

/** The run's ACS emulator (global-setup), with a sender and number, when it was started. */
function acsEmulatorSettings(): Record<string, string> {
  const { TEST_ACS_CONNECTION_STRING, TEST_ACS_CA_CERT_PATH } = process.env;
  if (!TEST_ACS_CONNECTION_STRING || !TEST_ACS_CA_CERT_PATH) return {};
  return {
    ACS_CONNECTION_STRING: TEST_ACS_CONNECTION_STRING,
    ACS_CA_CERT_PATH: TEST_ACS_CA_CERT_PATH,
    ...(process.env.TEST_ACS_ADMIN_URL ? { ACS_EMULATOR_ADMIN_URL: process.env.TEST_ACS_ADMIN_URL } : {}),
    ACS_EMAIL_SENDER: 'no-reply@appointments.example',
    ACS_SMS_FROM: '+18005550100',
  };
}

/** The run's Service Bus broker (global-setup): the app publishes there and GET /api/dev/events reads it. */
function serviceBusSettings(): Record<string, string> {
  const { TEST_SERVICEBUS_CONNECTION_STRING, TEST_SERVICEBUS_ADMIN_URL } = process.env;
  if (!TEST_SERVICEBUS_CONNECTION_STRING || !TEST_SERVICEBUS_ADMIN_URL) return {};
  return { SERVICEBUS_CONNECTION_STRING: TEST_SERVICEBUS_CONNECTION_STRING, SERVICEBUS_BROKER_ADMIN_URL: TEST_SERVICEBUS_ADMIN_URL };
}

/** The run's Graph emulator (global-setup): base URL, TLS trust, and its identity endpoint as the app's managed identity. */
function graphEmulatorSettings(): Record<string, string> {
  const { TEST_GRAPH_BASE_URL, TEST_GRAPH_CA_CERT_PATH, TEST_GRAPH_ADMIN_URL, TEST_GRAPH_IDENTITY_ENDPOINT, TEST_GRAPH_IDENTITY_HEADER } =
    process.env;
  if (
    !TEST_GRAPH_BASE_URL ||
    !TEST_GRAPH_CA_CERT_PATH ||
    !TEST_GRAPH_ADMIN_URL ||
    !TEST_GRAPH_IDENTITY_ENDPOINT ||
    !TEST_GRAPH_IDENTITY_HEADER
  )
    return {};
  return {
    GRAPH_BASE_URL: TEST_GRAPH_BASE_URL,
    GRAPH_CA_CERT_PATH: TEST_GRAPH_CA_CERT_PATH,
    GRAPH_EMULATOR_ADMIN_URL: TEST_GRAPH_ADMIN_URL,
    IDENTITY_ENDPOINT: TEST_GRAPH_IDENTITY_ENDPOINT,
    IDENTITY_HEADER: TEST_GRAPH_IDENTITY_HEADER,
  };
}

async function waitUntilServing(url: string, alive: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive()) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the host did not serve ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
