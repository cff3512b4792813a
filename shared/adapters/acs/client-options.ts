import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import { parseConnectionString } from '@azure/communication-common';
import { InvalidSettingsError } from '../../config/settings';
import type { AcsRetryPolicy } from './errors';
import { withDeadline } from '../deadline/deadline-policy';

/** Everything an ACS adapter needs to build its SDK client, resolved once from settings. */
export interface AcsClientConfig {
  /** https://<resource>.communication.azure.com/ (or the emulator's). */
  endpoint: string;
  /** The connection string locally; absent in Azure, where `credential` is used. */
  connectionString?: string;
  credential?: TokenCredential;
  /** Options every SDK client takes: TLS trust for the local emulator, pipeline retries. */
  clientOptions: {
    tlsOptions?: { ca: Buffer };
    retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
  } & ReturnType<typeof withDeadline>;
  retry: AcsRetryPolicy;
}

/** The two ways every ACS SDK client is built: from a connection string, or from the endpoint and a credential. */
interface AcsClientClass<C, O> {
  new (connectionString: string, options?: O): C;
  new (endpoint: string, credential: TokenCredential, options?: O): C;
}

/** An ACS SDK client: the connection string locally, the endpoint with the Entra credential in Azure. */
export function acsClient<C, O>(Client: AcsClientClass<C, O>, config: AcsClientConfig, options: O): C {
  return config.connectionString ? new Client(config.connectionString, options) : new Client(config.endpoint, config.credential!, options);
}

export interface AcsConnectionSettings {
  ACS_CONNECTION_STRING?: string;
  ACS_ENDPOINT?: string;
  ACS_CA_CERT_PATH?: string;
  ACS_MAX_RETRIES: number;
  ACS_RETRY_DELAY_MS: number;
  ACS_MAX_RETRY_DELAY_MS: number;
  OUTBOUND_TIMEOUT_MS: number;
}

export function acsClientConfig(settings: AcsConnectionSettings, credential: () => TokenCredential): AcsClientConfig {
  const retryOptions = {
    maxRetries: settings.ACS_MAX_RETRIES,
    retryDelayInMs: settings.ACS_RETRY_DELAY_MS,
    maxRetryDelayInMs: settings.ACS_MAX_RETRY_DELAY_MS,
  };
  const clientOptions = {
    // Replaces the public CA list for these clients only: used for the local emulator, never in Azure.
    ...(settings.ACS_CA_CERT_PATH ? { tlsOptions: { ca: fs.readFileSync(settings.ACS_CA_CERT_PATH) } } : {}),
    retryOptions,
    // Each HTTP try has a deadline; the pipeline retries a try that timed out like a dropped connection.
    ...withDeadline(settings.OUTBOUND_TIMEOUT_MS),
  };
  const retry = {
    maxAttempts: settings.ACS_MAX_RETRIES + 1,
    baseDelayMs: settings.ACS_RETRY_DELAY_MS,
    maxDelayMs: settings.ACS_MAX_RETRY_DELAY_MS,
  };
  if (settings.ACS_CONNECTION_STRING) {
    const { endpoint } = parseConnectionString(settings.ACS_CONNECTION_STRING);
    return { endpoint, connectionString: settings.ACS_CONNECTION_STRING, clientOptions, retry };
  }
  if (settings.ACS_ENDPOINT) return { endpoint: settings.ACS_ENDPOINT, credential: credential(), clientOptions, retry };
  throw new InvalidSettingsError(['ACS_CONNECTION_STRING: set it (local) or ACS_ENDPOINT (Azure, managed identity)']);
}

/**
 * A GUID derived from an idempotency key: the services want GUIDs for Operation-Id and
 * repeatability-request-id, and the same key must give the same id after a restart.
 */
export function guidFromKey(key: string): string {
  const hex = createHash('sha256').update(key, 'utf8').digest('hex');
  // Shaped as an RFC 4122 version-5 style id (name-based, SHA hash).
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
