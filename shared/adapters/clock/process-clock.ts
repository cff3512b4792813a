import type { Clock } from '../../app/ports/clock';

/** Where "now" comes from for the whole process: system time in Azure, a virtual clock on the local stack. */
export interface ClockSource {
  now(): number;
}

// On globalThis under a registered symbol so that two loaded copies of this module (the host's and the
// app's, e.g. from dist/ and a test transform) still share one source.
const KEY = Symbol.for('virtual-appointments.clock');
const slot = globalThis as unknown as Record<symbol, ClockSource | undefined>;

const systemSource: ClockSource = { now: () => Date.now() };

/** Replaces the process-wide clock source; the local host calls it before loading the app. */
export function installClockSource(source: ClockSource): void {
  slot[KEY] = source;
}

/** A Clock that asks the process-wide source on every call, so a source installed later still applies. */
export function processClock(): Clock {
  return { now: () => (slot[KEY] ?? systemSource).now() };
}
