import type { ClockSource } from './process-clock';

/** Local-stack time that starts at the real time of creation and moves only when advanced. */
export class VirtualClock implements ClockSource {
  private current: number;

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward; going back would let timers fire twice, so negative steps are refused. */
  advance(milliseconds: number): number {
    if (!Number.isFinite(milliseconds) || milliseconds < 0) throw new RangeError('a virtual clock only moves forward');
    this.current += milliseconds;
    return this.current;
  }
}
