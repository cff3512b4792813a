import { RestError, TableClient } from '@azure/data-tables';
import { createLogger } from '../../shared/adapters/logging/logger';
import type { HostPlugin } from '../host/types';
import { isHttpConnectionString } from '../../shared/adapters/tables/table-clients';

const PARTITION = 'clock';
const ROW = 'virtual';

/**
 * Keeps the virtual clock across host restarts: every advance stores the new instant in
 * `<TABLE_NAME_PREFIX>DevClock`, and a host starting on the same prefix moves its clock there before
 * anything else runs (durable timers, timer triggers), so a restarted stack neither repeats nor loses
 * time. Real-clock hosts are left alone. Must come before the durable backend in the plug-in list.
 */
export function virtualClockStorePlugin(options: { connectionString: string; tablePrefix: string }): HostPlugin {
  const insecure = isHttpConnectionString(options.connectionString);
  const table = TableClient.fromConnectionString(options.connectionString, `${options.tablePrefix}DevClock`, {
    allowInsecureConnection: insecure,
  });
  const log = createLogger(console, 'info', { component: 'clock' });
  return {
    name: 'virtual-clock-store',
    setup: async (host) => {
      const clock = host.clock;
      if (clock.mode !== 'virtual') return;
      await table.createTable();
      const stored = await readInstant(table);
      // A virtual clock never goes back: a stored instant behind the new process's start is ignored.
      if (stored !== undefined && stored > clock.now()) {
        clock.advance(stored - clock.now());
        log.info('clock.restored', { now: new Date(clock.now()).toISOString() });
        // Said plainly at start-up: times in the API are this far from the wall clock until the data goes.
        console.log(
          `Clock:    virtual clock resumed at ${new Date(clock.now()).toISOString()} (stored in ${options.tablePrefix}DevClock); \`npm run dev:reset\` removes the local data to start afresh`,
        );
      }
      host.onAdvance((now) => table.upsertEntity({ partitionKey: PARTITION, rowKey: ROW, nowMs: now }, 'Replace').then(() => undefined));
    },
  };
}

async function readInstant(table: TableClient): Promise<number | undefined> {
  try {
    const entity = await table.getEntity<{ nowMs: number }>(PARTITION, ROW);
    return Number(entity.nowMs);
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}
