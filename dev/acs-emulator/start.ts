import { startChildService } from '../stack/child-service';
import type { EmulatorServerOptions } from './server';

export type AcsEmulatorOptions = EmulatorServerOptions;

export interface RunningAcsEmulator {
  /** https://127.0.0.1:<port>/ */
  endpoint: string;
  /** `endpoint=...;accesskey=...` for the ACS SDKs (and ACS_CONNECTION_STRING). */
  connectionString: string;
  /** http://127.0.0.1:<port> of the admin API. */
  adminUrl: string;
  /** PEM of the self-signed certificate: ACS_CA_CERT_PATH or NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  pid: number;
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  endpoint: string;
  connectionString: string;
  adminUrl: string;
  caCertPath: string;
}

/** Starts the ACS emulator as its own process (its record outlives app restarts) and waits until it serves. */
export async function startAcsEmulator(options: AcsEmulatorOptions = {}, timeoutMs = 15_000): Promise<RunningAcsEmulator> {
  const { ready, pid, stop } = await startChildService<ReadyMessage>({
    name: 'ACS emulator',
    dir: __dirname,
    optionsVariable: 'ACS_EMULATOR_OPTIONS',
    options,
    timeoutMs,
  });
  return {
    endpoint: ready.endpoint,
    connectionString: ready.connectionString,
    adminUrl: ready.adminUrl,
    caCertPath: ready.caCertPath,
    pid,
    stop,
  };
}
