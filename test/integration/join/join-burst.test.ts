/**
 * ACS lets one user create 10 chat threads per 10 seconds, and every thread is created by the app's
 * one chat identity. Threads are therefore made ahead by the outbox (chat.ensure), so a burst of first
 * joins creates none; a join that finds no thread still creates it, the SDK waiting out a 429.
 * (A file of its own: its own tables, so its own chat identity and rate window on the run's emulator.)
 */
import { joinAppointment, type JoinResult } from '../../../shared/app/join/join-appointment';
import { admin } from '../acs/acs-test-kit';
import { freshStart, joinFixture, MIN } from './join-fixture';

const f = joinFixture();
const consumerOf = (manageToken: string) => ({ caller: { kind: 'anonymous' as const }, manageToken });
const joinAt = (instant: number) => ({ ...f.join, clock: { now: () => instant } });

beforeAll(() => f.setUp());

async function threadsOfTheApp(): Promise<string[]> {
  const serviceUser = await f.acs.chat.serviceUserId();
  const { chatThreads } = (
    await admin<{ chatThreads: Array<{ id: string; createdBy: string }> }>(f.emulator.adminUrl, 'GET', '/admin/chat/threads')
  ).body;
  return chatThreads.filter((t) => t.createdBy === serviceUser).map((t) => t.id);
}

it('30 simultaneous first joins all succeed and create no chat thread: the outbox made them ahead', async () => {
  const booked = [];
  for (let i = 0; i < 30; i++) {
    const start = freshStart();
    booked.push({ start, ...(await f.book(start)) });
  }
  const before = (await threadsOfTheApp()).length;
  const drainStarted = Date.now();
  await f.drainOutbox();
  const drainMs = Date.now() - drainStarted;
  const ahead = await threadsOfTheApp();
  expect(ahead.length - before).toBe(30);
  for (const { appointment } of booked) expect((await f.appointments.find(appointment.id))!.value.chatThreadId).toBeDefined();

  const joinsStarted = Date.now();
  const results = await Promise.allSettled(
    booked.map(({ start, appointment, manageToken }) => joinAppointment(joinAt(start - 5 * MIN), appointment.id, consumerOf(manageToken))),
  );
  const joinsMs = Date.now() - joinsStarted;
  const failures = results.filter((r) => r.status === 'rejected');
  expect(failures).toEqual([]);
  const joined = results.map((r) => (r as PromiseFulfilledResult<JoinResult>).value);
  expect(new Set(joined.map((j) => j.chatThreadId)).size).toBe(30);
  expect((await threadsOfTheApp()).length).toBe(ahead.length);
  console.log(
    `30 threads ahead by the outbox: ${drainMs} ms (ACS: 10 per 10 s); 30 simultaneous first joins: ${joinsMs} ms, 30/30 succeeded`,
  );
}, 120_000);

it('a join that finds no thread creates it, waiting out ACS 429s: 12 simultaneous joins without threads all succeed', async () => {
  const booked = [];
  for (let i = 0; i < 12; i++) {
    const start = freshStart();
    booked.push({ start, ...(await f.book(start)) });
  }
  const before = (await threadsOfTheApp()).length;
  const started = Date.now();
  // No outbox drain: every join must create its appointment's thread in the request.
  const results = await Promise.allSettled(
    booked.map(({ start, appointment, manageToken }) => joinAppointment(joinAt(start - 5 * MIN), appointment.id, consumerOf(manageToken))),
  );
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  expect((await threadsOfTheApp()).length - before).toBe(12);
  console.log(`12 simultaneous joins creating their threads: ${Date.now() - started} ms`);
}, 120_000);
