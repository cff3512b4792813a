import { createLogger } from '../../shared/adapters/logging/logger';
import type { HostPlugin } from '../host/types';
import { createDurableBackend, type DurableBackend } from './backend';

/**
 * Runs the local durable backend inside the function host: it fills the `durableClient` binding and,
 * with the virtual clock, fires due durable timers on each advance (the advance waits for their work).
 */
export function durableBackendPlugin(options: { connectionString: string; tablePrefix: string; logLevel?: 'debug' | 'info' | 'warn' | 'error' }): HostPlugin {
  let backend: DurableBackend | undefined;
  return {
    name: 'durable-backend',
    setup: async (host) => {
      backend = createDurableBackend({
        invoker: host.invoker,
        connectionString: options.connectionString,
        tablePrefix: options.tablePrefix,
        clock: host.clock,
        log: createLogger(console, options.logLevel ?? 'info', { component: 'durable' }),
        ...(host.clock.mode === 'real' ? { timerPollMs: 1000 } : {}),
      });
      host.addInputBindingProvider(backend.bindingProvider);
      const running = backend;
      if (host.clock.mode === 'virtual') host.onAdvance(() => running.onClockAdvanced());
      await backend.start();
    },
    stop: async () => {
      await backend?.stop();
    },
  };
}
