/**
 * Slot search bench: the scenarios of docs/performance.md ("Slot search"), built deterministically,
 * checked against the brute-force reference, then timed. Run with `npm run bench`.
 */
import { isDeepStrictEqual } from 'node:util';
import { DateTime } from 'luxon';
import { findSlots } from '../../shared/domain/availability/find-slots';
import type { BusyAppointment, ProviderAvailability, SlotRules, SlotWindow } from '../../shared/domain/availability/types';
import { bruteForceSlots } from './brute-force-slots';

const ZONE = 'America/New_York';
const MINUTE = 60_000;

interface Scenario {
  name: string;
  rules: SlotRules;
  providers: ProviderAvailability[];
  window: SlotWindow;
  /** Median target and hard limit for the engine, in ms. */
  targetMs: number;
  limitMs: number;
}

/** mulberry32: a tiny seeded PRNG, so every run benches the same bookings. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * 1 or more providers, Mon-Fri 09:00-17:00 New York, 30-minute slots every 30 minutes, buffers
 * 10/10, 120 minutes notice, at most 6 a day, 60 days from 2027-03-01 (across the 14 March DST
 * change), 200 bookings per provider on distinct working half-hours (80% this service).
 */
function scenario(providerCount: number, targetMs: number, limitMs: number): Scenario {
  const random = seededRandom(20270301 + providerCount);
  const firstDay = DateTime.fromISO('2027-03-01', { zone: ZONE });
  const days = 60;
  const hours = [{ start: '09:00', end: '17:00' }];

  const workingHalfHours: number[] = [];
  for (let d = 0; d < days; d += 1) {
    const day = firstDay.plus({ days: d });
    if (day.weekday > 5) continue;
    for (let slot = 0; slot < 16; slot += 1) workingHalfHours.push(day.set({ hour: 9, minute: slot * 30 }).toMillis());
  }

  const providers: ProviderAvailability[] = [];
  for (let p = 1; p <= providerCount; p += 1) {
    const providerId = `prov-${String(p).padStart(2, '0')}`;
    const starts = new Set<number>();
    while (starts.size < 200) starts.add(workingHalfHours[Math.floor(random() * workingHalfHours.length)] as number);
    const busy = [...starts].map((start, n): BusyAppointment => {
      const mine = random() < 0.8;
      return {
        appointmentId: `${providerId}-${n}`,
        serviceId: mine ? 'consult' : 'follow-up',
        start,
        end: start + (mine ? 30 : 20) * MINUTE,
        bufferBeforeMinutes: mine ? 10 : 0,
        bufferAfterMinutes: mine ? 10 : 15,
      };
    });
    providers.push({
      providerId,
      timeZone: ZONE,
      weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
      overrides: {},
      busy,
    });
  }

  return {
    name: `${providerCount} provider${providerCount === 1 ? '' : 's'}, 60 days, 200 bookings each`,
    rules: {
      serviceId: 'consult',
      durationMinutes: 30,
      slotIntervalMinutes: 30,
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 10,
      minimumNoticeMinutes: 120,
      bookingWindowDays: 90,
      maxPerDayPerProvider: 6,
    },
    providers,
    window: {
      from: firstDay.toMillis(),
      to: firstDay.plus({ days }).toMillis(),
      now: firstDay.set({ hour: 8 }).toMillis(),
    },
    targetMs,
    limitMs,
  };
}

interface Timing {
  min: number;
  median: number;
  max: number;
}

function time(iterations: number, run: () => unknown): Timing {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const middle = Math.floor(samples.length / 2);
  const median =
    samples.length % 2 === 1 ? (samples[middle] as number) : ((samples[middle - 1] as number) + (samples[middle] as number)) / 2;
  return { min: samples[0] as number, median, max: samples[samples.length - 1] as number };
}

const ms = (value: number) => value.toFixed(value < 10 ? 3 : 1);
const describeTiming = (t: Timing) => `min ${ms(t.min)} ms, median ${ms(t.median)} ms, max ${ms(t.max)} ms`;

export async function runSlotsBench(): Promise<void> {
  console.log('Slot search (findSlots vs. the minute-by-minute brute force)');
  for (const s of [scenario(1, 1, 2), scenario(50, 20, 40)]) {
    const search = () => findSlots(s.rules, s.providers, s.window);
    const reference = () => bruteForceSlots(s.rules, s.providers, s.window);

    // The first call in the process pays for the zone's offsets (Intl) and the JIT.
    const cold = time(1, search);
    const slots = search();
    const expected = reference();
    if (!isDeepStrictEqual(slots, expected)) {
      const at = slots.findIndex((slot, i) => !isDeepStrictEqual(slot, expected[i]));
      throw new Error(
        `${s.name}: findSlots differs from the brute force (at slot ${at}: ${JSON.stringify(slots[at])} vs ${JSON.stringify(expected[at])})`,
      );
    }

    time(20, search); // warm-up
    const engine = time(50, search);
    const brute = time(3, reference);
    const verdict = engine.median <= s.targetMs ? 'PASS' : engine.median <= s.limitMs ? 'PASS (hard limit only)' : 'FAIL';
    if (verdict === 'FAIL') process.exitCode = 1;

    const offered = slots.reduce((n, slot) => n + slot.providerIds.length, 0);
    console.log(`\n  ${s.name}: ${slots.length} start times, ${offered} provider-slots (equal to the brute force)`);
    console.log(`    engine       ${describeTiming(engine)} (50 runs; first call ${ms(cold.median)} ms)`);
    console.log(`    brute force  ${describeTiming(brute)} (3 runs)`);
    console.log(`    speed-up     ${(brute.median / engine.median).toFixed(0)}x (brute median / engine median)`);
    console.log(`    target       median <= ${s.targetMs} ms (hard limit ${s.limitMs} ms): ${verdict}`);
  }
}
