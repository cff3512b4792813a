import { spawn } from 'node:child_process';
import path from 'node:path';
import { stopChild } from '../stack/azurite';
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

/**
 * Node arguments that run main.ts straight from source: a require hook compiling .ts with swc (the
 * same compiler jest uses), so jest's global setup needs no build. Compiled runs use main.js.
 */
function entryArguments(): string[] {
  if (__filename.endsWith('.js')) return [path.join(__dirname, 'main.js')];
  const hook = `
    const fs = require('fs');
    const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
    require.extensions['.ts'] = (module, filename) => {
      const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(path.join(__dirname, 'main.ts'))});
  `;
  return ['-e', hook];
}

/** Starts the ACS emulator as its own process (its record outlives app restarts) and waits until it serves. */
export function startAcsEmulator(options: AcsEmulatorOptions = {}, timeoutMs = 15_000): Promise<RunningAcsEmulator> {
  const child = spawn(process.execPath, entryArguments(), {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ACS_EMULATOR_OPTIONS: JSON.stringify(options) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ACS emulator did not start within ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ACS emulator exited with code ${code}: ${stderr.trim()}`));
    });
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      // The channel stays open: the emulator ends when this process does.
      resolve({
        endpoint: message.endpoint,
        connectionString: message.connectionString,
        adminUrl: message.adminUrl,
        caCertPath: message.caCertPath,
        pid: child.pid ?? -1,
        stop: () => stopChild(child),
      });
    });
  });
}
