import { installClockSource } from '../../shared/adapters/clock/process-clock';
import { VirtualClock } from '../../shared/adapters/clock/virtual-clock';

export type ClockMode = 'real' | 'virtual';

/** The host's time: system time, or a virtual clock that only the advance dev route moves. */
export type HostClock = { mode: 'real'; now(): number } | { mode: 'virtual'; now(): number; advance(milliseconds: number): number };

/** Creates the host clock and makes it the process-wide source the app's processClock() reads. */
export function createHostClock(mode: ClockMode): HostClock {
  if (mode === 'real') {
    const clock: HostClock = { mode, now: () => Date.now() };
    installClockSource(clock);
    return clock;
  }
  const virtual = new VirtualClock();
  installClockSource(virtual);
  return { mode, now: () => virtual.now(), advance: (milliseconds) => virtual.advance(milliseconds) };
}

export function parseClockMode(value: string | undefined): ClockMode {
  const mode = (value ?? 'real').trim().toLowerCase() || 'real';
  if (mode !== 'real' && mode !== 'virtual') throw new Error(`CLOCK_MODE must be "real" or "virtual", not "${value}"`);
  return mode;
}
