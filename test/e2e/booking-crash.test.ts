/**
 * The process dies after the booking transaction and before the room exists: after a restart the
 * outbox sweep creates the room, exactly once. Uses its own ACS emulator so its room count is exact.
 */
import { startAcsEmulator, type RunningAcsEmulator } from '../../dev/acs-emulator/start';
import { configureClinic, localTime, startAppStack, type AppStack } from '../support/app-stack';
import { uniqueTablePrefix } from '../support/env';

type Appointment = { id: string; roomId?: string; start: string; end: string };
type Room = { id: string; validFrom: string; validUntil: string };

describe('booking survives a crash before the room is created', () => {
  let acs: RunningAcsEmulator;
  const stacks: AppStack[] = [];
  const prefix = uniqueTablePrefix();

  beforeAll(async () => {
    acs = await startAcsEmulator({ resource: { emailProfile: 'raised' } }); // many sends within a real minute; quotas are pinned in strict-emulator.test.ts
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.stop();
    await acs?.stop();
  });

  const start = () =>
    startAppStack({
      env: {
        TABLE_NAME_PREFIX: prefix,
        ACS_CONNECTION_STRING: acs.connectionString,
        ACS_CA_CERT_PATH: acs.caCertPath,
        ACS_EMULATOR_ADMIN_URL: acs.adminUrl,
      },
    }).then((stack) => (stacks.push(stack), stack));

  const admin = (path: string, init?: RequestInit) => fetch(`${acs.adminUrl}${path}`, init);
  const rooms = async () => ((await (await admin('/admin/rooms')).json()) as { rooms: Room[] }).rooms;

  it('creates the missing room after restart and nothing twice', async () => {
    const first = await start();
    await configureClinic(first, { businessId: 'crashclinic', providers: ['amy'] });
    // Every room creation fails while the first process lives (the SDK's retries included).
    await admin('/admin/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/rooms$', method: 'POST', status: 500, count: 10_000 }),
    });

    const booking = await first.call<{ appointment: Appointment; manageToken: string }>('POST', '/businesses/crashclinic/appointments', {
      body: {
        serviceId: 'consult',
        start: await localTime(first, 'Europe/Berlin', 2, '10:00'),
        consumer: { name: 'Jane', email: 'jane@example.com' },
      },
    });
    expect(booking.status).toBe(201);
    const { id } = booking.body.appointment;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      (await first.call<Appointment>('GET', `/appointments/${id}`, { manageToken: booking.body.manageToken })).body.roomId,
    ).toBeUndefined();
    await first.host.kill();
    stacks.splice(stacks.indexOf(first), 1);
    expect(await rooms()).toEqual([]);

    await admin('/admin/faults', { method: 'DELETE' });
    const second = await start();
    let appointment: Appointment | undefined;
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      appointment = (await second.call<Appointment>('GET', `/appointments/${id}`, { manageToken: booking.body.manageToken })).body;
      if (appointment.roomId) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(appointment?.roomId).toBeDefined();
    // A few more sweeps must not add anything.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    const all = await rooms();
    expect(all.map((room) => room.id)).toEqual([appointment!.roomId]);
    expect(Date.parse(all[0]!.validUntil)).toBeGreaterThan(Date.parse(appointment!.end));
    expect(Date.parse(all[0]!.validFrom)).toBeLessThanOrEqual(Date.parse(appointment!.start));
  });
});
