import { spawn } from 'node:child_process';
import path from 'node:path';
import { stopChild } from '../stack/azurite';
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

/** Runs main.ts from source through swc (as jest does) so the global setup needs no build; built runs use main.js. */
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

/** Starts the Service Bus broker as its own process (what it delivered outlives app restarts) and waits until it listens. */
export function startServiceBusBroker(options: BrokerServerOptions = {}, timeoutMs = 15_000): Promise<RunningServiceBusBroker> {
  const child = spawn(process.execPath, entryArguments(), {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, SERVICEBUS_BROKER_OPTIONS: JSON.stringify(options) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Service Bus broker did not start within ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Service Bus broker exited with code ${code}: ${stderr.trim()}`));
    });
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      // The IPC channel stays open: the broker ends when this process does.
      resolve({ connectionString: message.connectionString, adminUrl: message.adminUrl, pid: child.pid ?? -1, stop: () => stopChild(child) });
    });
  });
}
