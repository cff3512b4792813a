/**
 * Booking under load against the local stack (Azurite, ACS emulator, the function host as a child
 * process): 20 concurrent clients book random offered times; latency percentiles, bookings per second,
 * and a check that no two stored appointments of a provider overlap. The baseline, measured in the same
 * run with the same concurrency, is GET /api/health (host round trip plus one storage call).
 */
import { startAcsEmulator } from '../../dev/acs-emulator/start';
import { startAzurite } from '../../dev/stack/azurite';
import { configureClinic, localTime, startAppStack, type AppStack } from '../support/app-stack';

const CLIENTS = 20;
const REQUESTS = 600;
const PROVIDERS = Array.from({ length: 10 }, (_, i) => `p${String(i).padStart(2, '0')}`);
const ZONE = 'Europe/Berlin';

type Appointment = { id: string; providerId: string; start: string; end: string; status: string };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function runClients(
  count: number,
  total: number,
  request: (i: number) => Promise<number>,
): Promise<{ latencies: Array<{ ms: number; status: number }>; elapsedMs: number }> {
  const latencies: Array<{ ms: number; status: number }> = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const status = await request(i);
        latencies.push({ ms: performance.now() - t0, status });
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

export async function runBookingBench(): Promise<void> {
  const azurite = await startAzurite();
  // Hundreds of bookings a minute send their confirmations: a deployment at that volume has raised email limits.
  const acs = await startAcsEmulator({ resource: { emailProfile: 'raised' } });
  Object.assign(process.env, {
    TEST_STORAGE_CONNECTION_STRING: azurite.connectionString,
    TEST_ACS_CONNECTION_STRING: acs.connectionString,
    TEST_ACS_CA_CERT_PATH: acs.caCertPath,
    TEST_ACS_ADMIN_URL: acs.adminUrl,
  });
  let stack: AppStack | undefined;
  try {
    stack = await startAppStack({ env: { LOG_LEVEL: 'warn' } });
    const { managerToken } = await configureClinic(stack, {
      businessId: 'bench',
      providers: PROVIDERS,
      service: { slotIntervalMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 10 },
    });
    // 10 days x 8 hours x 2 starts: 160 start times, 1 600 provider-slots, so clients collide often.
    const starts: string[] = [];
    for (let day = 2; day < 12; day++)
      for (let half = 0; half < 16; half++)
        starts.push(await localTime(stack, ZONE, day, `${String(9 + Math.floor(half / 2)).padStart(2, '0')}:${half % 2 ? '30' : '00'}`));
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

    const s = stack;
    await runClients(CLIENTS, 100, async () => (await fetch(`${s.baseUrl}/health`)).status); // warm-up
    const baseline = await runClients(CLIENTS, REQUESTS, async () => (await fetch(`${s.baseUrl}/health`)).status);
    const booking = await runClients(CLIENTS, REQUESTS, async (i) => {
      const response = await fetch(`${s.baseUrl}/businesses/bench/appointments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          serviceId: 'consult',
          start: starts[Math.floor(random() * starts.length)],
          consumer: { name: `Client ${i}`, email: `c${i}@example.com` },
        }),
      });
      await response.arrayBuffer();
      return response.status;
    });

    // Every stored appointment, per provider, must be free of overlaps (buffers 10/10 included).
    const from = await localTime(stack, ZONE, 0, '00:00');
    const to = await localTime(stack, ZONE, 14, '00:00');
    const stored: Appointment[] = [];
    for (const providerId of PROVIDERS) {
      let token: string | undefined;
      do {
        const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&status=booked&limit=500${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
        const page = await stack.call<{ appointments: Appointment[]; nextContinuationToken?: string }>(
          'GET',
          `/businesses/bench/providers/${providerId}/appointments?${query}`,
          { token: managerToken },
        );
        if (page.status !== 200) throw new Error(`listing failed: ${page.status} ${page.text}`);
        stored.push(...page.body.appointments);
        token = page.body.nextContinuationToken;
      } while (token);
    }
    const pad = 10 * 60_000;
    let doubleBookings = 0;
    for (const a of stored) {
      for (const b of stored) {
        if (
          a.id < b.id &&
          a.providerId === b.providerId &&
          Date.parse(a.start) - pad < Date.parse(b.end) + pad &&
          Date.parse(b.start) - pad < Date.parse(a.end) + pad
        )
          doubleBookings++;
      }
    }

    const ok = booking.latencies
      .filter((l) => l.status === 201)
      .map((l) => l.ms)
      .sort((x, y) => x - y);
    const all = booking.latencies.map((l) => l.ms).sort((x, y) => x - y);
    const base = baseline.latencies.map((l) => l.ms).sort((x, y) => x - y);
    const other = booking.latencies.filter((l) => l.status !== 201 && l.status !== 409).length;
    console.log('\nBooking (20 concurrent clients, 600 requests, 10 providers, 160 start times, local stack)');
    console.log(
      `  baseline GET /health: p50 ${percentile(base, 50).toFixed(1)} ms, p95 ${percentile(base, 95).toFixed(1)} ms, ${(REQUESTS / (baseline.elapsedMs / 1000)).toFixed(0)} req/s`,
    );
    console.log(
      `  booking 201: ${ok.length}, 409 slot-unavailable: ${booking.latencies.filter((l) => l.status === 409).length}, other: ${other}`,
    );
    console.log(
      `  booking latency (201): p50 ${percentile(ok, 50).toFixed(1)} ms, p95 ${percentile(ok, 95).toFixed(1)} ms; all requests p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms`,
    );
    console.log(
      `  throughput: ${(ok.length / (booking.elapsedMs / 1000)).toFixed(1)} bookings/s, ${(REQUESTS / (booking.elapsedMs / 1000)).toFixed(1)} requests/s`,
    );
    console.log(`  ratio to baseline (p50 booking 201 / p50 health): ${(percentile(ok, 50) / percentile(base, 50)).toFixed(1)}x`);
    console.log(`  stored appointments: ${stored.length} (answered 201: ${ok.length}); double bookings: ${doubleBookings}`);
    if (doubleBookings > 0 || stored.length !== ok.length || other > 0) {
      process.exitCode = 1;
      console.log('  FAIL: double bookings, lost bookings or unexpected statuses');
    }
  } finally {
    await stack?.stop();
    await acs.stop();
    await azurite.stop();
  }
}
