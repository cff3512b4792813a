import { startChildService } from '../stack/child-service';
import type { GraphEmulatorOptions, RunningGraphEmulator } from './server';

export type { GraphEmulatorOptions };

export interface RunningGraphEmulatorProcess extends Omit<RunningGraphEmulator, 'close'> {
  pid: number;
  stop(): Promise<void>;
}

/** Starts the Microsoft Graph emulator as its own process (its calendars outlive app restarts) and waits until it serves. */
export async function startGraphEmulator(options: GraphEmulatorOptions = {}, timeoutMs = 15_000): Promise<RunningGraphEmulatorProcess> {
  const { ready, pid, stop } = await startChildService<Omit<RunningGraphEmulator, 'close'> & { type: 'ready' }>({
    name: 'Graph emulator',
    dir: __dirname,
    optionsVariable: 'GRAPH_EMULATOR_OPTIONS',
    options,
    timeoutMs,
  });
  const { type: _type, ...urls } = ready;
  return { ...urls, pid, stop };
}
