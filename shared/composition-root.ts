import type { Clock } from './app/ports/clock';
import type { DependencyProbe } from './app/health';
import { processClock } from './adapters/clock/process-clock';
import { TableClients } from './adapters/tables/table-clients';
import { loadSettings, type Settings } from './config/settings';

/** Everything the handlers need, built once from validated settings. */
export interface AppServices {
  settings: Settings;
  clock: Clock;
  tables: TableClients;
  healthProbes: Record<string, DependencyProbe>;
}

let services: AppServices | undefined;

export function getServices(): AppServices {
  services ??= buildServices(loadSettings());
  return services;
}

function buildServices(settings: Settings): AppServices {
  const tables = new TableClients(settings);
  return {
    settings,
    clock: processClock(),
    tables,
    healthProbes: {
      storage: async () => {
        await tables.service().getProperties();
      },
    },
  };
}
