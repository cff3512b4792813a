import { authorizeAppointment, checkIfMatch } from '../../../../shared/app/appointments/appointment-access';
import { ADMIN_ROLE } from '../../../../shared/app/auth';
import { ANONYMOUS, MANAGER, STAFF_P1, STAFF_P2, STRANGER, TUESDAY_10, outcome, world } from '../world';

describe('authorizeAppointment (on the in-memory fakes)', () => {
  it('gives the consumer role to the manage token, the manager role to managers and admins, the provider role to its staff', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    expect((await authorizeAppointment(w.deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken })).role).toBe('consumer');
    expect((await authorizeAppointment(w.deps, booked.id, { caller: MANAGER })).role).toBe('manager');
    expect((await authorizeAppointment(w.deps, booked.id, { caller: { kind: 'staff', oid: 'x', roles: [ADMIN_ROLE] } })).role).toBe(
      'manager',
    );
    expect((await authorizeAppointment(w.deps, booked.id, { caller: STAFF_P1 })).role).toBe('provider');
  });

  it('checks credentials before existence: 401 without any or with a token of another appointment, whether or not the id exists', async () => {
    const w = await world();
    const a = await w.book(TUESDAY_10);
    const b = await w.book(TUESDAY_10);
    await expect(outcome(authorizeAppointment(w.deps, a.id, { caller: ANONYMOUS }))).resolves.toBe('unauthorized');
    await expect(outcome(authorizeAppointment(w.deps, 'nope', { caller: ANONYMOUS }))).resolves.toBe('unauthorized');
    await expect(outcome(authorizeAppointment(w.deps, a.id, { caller: ANONYMOUS, manageToken: b.manageToken }))).resolves.toBe(
      'unauthorized',
    );
    await expect(outcome(authorizeAppointment(w.deps, 'nope', { caller: ANONYMOUS, manageToken: b.manageToken }))).resolves.toBe(
      'unauthorized',
    );
  });

  it('tells staff 404 for an unknown id and 403 for an appointment of another provider or business', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    await expect(outcome(authorizeAppointment(w.deps, 'nope', { caller: MANAGER }))).resolves.toBe('not-found');
    await expect(outcome(authorizeAppointment(w.deps, booked.id, { caller: STAFF_P2 }))).resolves.toBe('forbidden');
    await expect(outcome(authorizeAppointment(w.deps, booked.id, { caller: STRANGER }))).resolves.toBe('forbidden');
  });
});

describe('checkIfMatch', () => {
  const appointment = { version: 3 } as Parameters<typeof checkIfMatch>[0];
  it.each([[undefined], [null], [''], ['"3"'], ['3'], ['W/"3"'], ['*'], [' "3" ']])('lets %p through at version 3', (ifMatch) => {
    expect(() => checkIfMatch(appointment, ifMatch)).not.toThrow();
  });
  it.each([['"2"'], ['"4"'], ['"3'], ['W/"*"x']])('refuses %p with the current version', (ifMatch) => {
    expect(() => checkIfMatch(appointment, ifMatch)).toThrow(
      expect.objectContaining({ code: 'version-mismatch', extensions: { currentVersion: 3 } }),
    );
  });
});
