import { spawn } from 'node:child_process';
import path from 'node:path';
import { stopChild } from './azurite';

/**
 * Node arguments that run `<dir>/main.ts` straight from source: a require hook compiling .ts with swc
 * (the compiler jest uses), so jest's global setup needs no build. Compiled runs use main.js.
 */
function entryArguments(dir: string): string[] {
  if (__filename.endsWith('.js')) return [path.join(dir, 'main.js')];
  const hook = `
    const fs = require('fs');
    const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
    require.extensions['.ts'] = (module, filename) => {
      const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(path.join(dir, 'main.ts'))});
  `;
  return ['-e', hook];
}

/**
 * Starts a local service (emulator, broker) as its own process, so what it recorded outlives app restarts.
 * Its main reports `ready` over IPC; the channel stays open, so the child ends when this process does.
 */
export function startChildService<Ready extends object>(spec: {
  name: string;
  /** Folder of the service's main.ts / main.js. */
  dir: string;
  /** Environment variable the service reads its options from (JSON). */
  optionsVariable: string;
  options: unknown;
  timeoutMs: number;
}): Promise<{ ready: Ready; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, entryArguments(spec.dir), {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, [spec.optionsVariable]: JSON.stringify(spec.options) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${spec.name} did not start within ${spec.timeoutMs} ms: ${stderr.trim()}`));
    }, spec.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name} exited with code ${code}: ${stderr.trim()}`));
    });
    child.once('message', (ready: Ready) => {
      clearTimeout(timer);
      resolve({ ready, pid: child.pid ?? -1, stop: () => stopChild(child) });
    });
  });
}

/**
 * The child side of startChildService: reads its options from `optionsVariable`, starts, then reports
 * `ready` over IPC (or as one JSON line on stdout when run by hand) and ends with its parent or on
 * SIGTERM/SIGINT.
 */
export function runChildService<Options>(
  name: string,
  optionsVariable: string,
  start: (options: Options) => Promise<{ ready: Record<string, unknown>; close(): Promise<void> }>,
): void {
  const main = async () => {
    const options = JSON.parse(process.env[optionsVariable] ?? '{}') as Options;
    const server = await start(options);
    const ready = { type: 'ready', ...server.ready };
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
  };
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
