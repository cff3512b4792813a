import { installClockSource, processClock } from '../../../shared/adapters/clock/process-clock';
import { VirtualClock } from '../../../shared/adapters/clock/virtual-clock';
import { parseClockMode } from '../../../dev/host/clock';

describe('process clock', () => {
  afterEach(() => installClockSource({ now: () => Date.now() }));

  it('reads system time until a source is installed', () => {
    const before = Date.now();
    const now = processClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('follows a source installed after the clock was taken, so the app sees the host clock', () => {
    const clock = processClock();
    installClockSource({ now: () => 42 });
    expect(clock.now()).toBe(42);
  });

  it('shares the source across copies of the module through the global symbol', () => {
    installClockSource({ now: () => 7 });
    const slot = (globalThis as unknown as Record<symbol, { now(): number }>)[Symbol.for('virtual-appointments.clock')];
    expect(slot?.now()).toBe(7);
  });
});

describe('virtual clock', () => {
  it('stands still until advanced, then moves by exactly the step', () => {
    const clock = new VirtualClock(Date.UTC(2025, 0, 1));
    expect(clock.now()).toBe(Date.UTC(2025, 0, 1));
    expect(clock.now()).toBe(Date.UTC(2025, 0, 1));
    expect(clock.advance(90_000)).toBe(Date.UTC(2025, 0, 1, 0, 1, 30));
    expect(clock.now()).toBe(Date.UTC(2025, 0, 1, 0, 1, 30));
  });

  it('refuses to go back or to move by a non-number', () => {
    const clock = new VirtualClock(0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });

  it('reads CLOCK_MODE, defaulting to real time', () => {
    expect(parseClockMode(undefined)).toBe('real');
    expect(parseClockMode('')).toBe('real');
    expect(parseClockMode('Virtual')).toBe('virtual');
    expect(() => parseClockMode('fast')).toThrow(/CLOCK_MODE/);
  });
});
