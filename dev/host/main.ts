/**
 * The local function host: `node dist/dev/host/main.js [--app <dir>] [--port <n>]`.
 * Serves the app in <dir> (default: the repository root) with settings from the environment.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseClockMode } from './clock';
import { localStackPlugins } from '../stack/plugins';
import { startHost, type RunningHost } from './host';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function printBanner(host: RunningHost, write: (line: string) => void = console.log): void {
  const humanUrl = host.url.replace('127.0.0.1', 'localhost');
  write('Functions:');
  for (const fn of host.functions) write(`  ${fn.name}: [${fn.trigger}] ${fn.detail}`);
  write(`Host listening on ${humanUrl} (clock: ${host.clock.mode})`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { app: { type: 'string' }, port: { type: 'string' } } });
  const port = Number(values.port ?? process.env.PORT ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a TCP port, not "${values.port ?? process.env.PORT}"`);
  const host = await startHost({
    appDir: path.resolve(values.app ?? REPO_ROOT),
    port,
    clockMode: parseClockMode(process.env.CLOCK_MODE),
    plugins: localStackPlugins(process.env),
  });
  printBanner(host);
  const shutdown = () => {
    host.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`The function host could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
