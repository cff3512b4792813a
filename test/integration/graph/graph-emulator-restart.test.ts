import { calendarFor, calendarOf, newMailbox, startGraphEmulator, type RunningGraphEmulatorProcess } from './graph-test-kit';

/**
 * docs/graph-emulator.md row 11: Exchange keeps mailboxes and events; the emulator keeps them in its own
 * process only. App restarts keep them (the emulator is a separate process); an emulator restart does not.
 * Its own file: calendarFor points this process's managed-identity settings at the emulator it is given.
 */
describe('Graph emulator state', () => {
  it('is lost when the emulator itself restarts: neither the registered mailbox nor its events are there', async () => {
    const emulators: RunningGraphEmulatorProcess[] = [];
    try {
      const first = await startGraphEmulator();
      emulators.push(first);
      const mailbox = await newMailbox(first.adminUrl);
      const start = Date.parse('2031-05-06T09:00:00Z');
      await calendarFor(first).createEvent(mailbox, {
        subject: 'Kept?',
        bodyText: '',
        start,
        end: start + 30 * 60_000,
        teamsMeeting: false,
        transactionId: 'restart-1',
      });
      expect(await calendarOf(first.adminUrl, mailbox)).toMatchObject({ registered: true, events: [{ subject: 'Kept?' }] });

      await emulators.pop()!.stop();
      const second = await startGraphEmulator();
      emulators.push(second);
      expect(await calendarOf(second.adminUrl, mailbox)).toMatchObject({ registered: false, events: [] });
    } finally {
      await Promise.all(emulators.map((e) => e.stop()));
    }
  });
});
