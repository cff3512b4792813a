import { createLogger } from '../../shared/adapters/logging/logger';
import type { HostPlugin } from '../host/types';
import { createDurableBackend, type DurableBackend } from './backend';

/**
 * Runs the local durable backend inside the function host: it fills the `durableClient` binding and,
 * with the virtual clock, fires due durable timers on each advance (the advance waits for their work).
 */
export function durableBackendPlugin(options: {
  connectionString: string;
  tablePrefix: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}): HostPlugin {
  let backend: DurableBackend | undefined;
  let retry: NodeJS.Timeout | undefined;
  return {
    name: 'durable-backend',
    setup: async (host) => {
      const log = createLogger(console, options.logLevel ?? 'info', { component: 'durable' });
      backend = createDurableBackend({
        invoker: host.invoker,
        connectionString: options.connectionString,
        tablePrefix: options.tablePrefix,
        clock: host.clock,
        log,
        ...(host.clock.mode === 'real' ? { timerPollMs: 1000 } : {}),
      });
      host.addInputBindingProvider(backend.bindingProvider);
      const running = backend;
      if (host.clock.mode === 'virtual') host.onAdvance(() => running.onClockAdvanced());
      // Storage down at start-up must not keep the host (and /api/health's 503) from coming up:
      // keep trying in the background; lifecycle outbox rows wait in the meantime.
      const start = async (): Promise<void> => {
        try {
          await running.start();
        } catch (error) {
          log.warn('durable.start.failed', { error, retryInMs: 5000 });
          retry = setTimeout(() => void start(), 5000);
          retry.unref();
        }
      };
      await start();
    },
    stop: async () => {
      clearTimeout(retry);
      await backend?.stop();
    },
  };
}
