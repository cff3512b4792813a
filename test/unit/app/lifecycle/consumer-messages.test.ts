import { sendNotice } from '../../../../shared/app/lifecycle/send-notice';
import { sendReminder } from '../../../../shared/app/lifecycle/send-reminder';
import { AcsError } from '../../../../shared/app/ports/acs';
import type { SmsResult } from '../../../../shared/app/ports/acs';
import { TUESDAY_10 } from '../world';
import { lifecycleWorld, NO_PHONE, TEXTABLE } from './lifecycle-world';

/** The notification record of a channel of the confirmation of version 1. */
const record = (w: Awaited<ReturnType<typeof lifecycleWorld>>, appointmentId: string, channel: 'email' | 'sms') =>
  w.notifications.get({ appointmentId, version: 1, moment: 'confirmation', channel });

describe('consumer messages', () => {
  it("speaks the consumer's language and shows the time in their own zone when they gave one", async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: { ...NO_PHONE, locale: 'de-DE', timeZone: 'America/New_York' } });
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    const [email] = w.messaging.sentTo(NO_PHONE.email);
    expect(email!.subject).toBe('Bestätigt: Consultation bei Dr p1');
    expect(email!.body).toContain('04:00-04:30 (America/New_York)');
    expect(email!.attachments).toEqual(['appointment.ics']);
  });

  it('sends a reminder without the calendar file, and a cancellation without a token in its links', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    const [reminder] = w.messaging.sentTo(NO_PHONE.email);
    expect(reminder).not.toHaveProperty('attachments');
    expect(reminder!.subject).toBe('Reminder: Consultation with Dr p1');
  });

  it('treats an SMS the service did not accept by its status: 400 is final, 429 and 5xx are retried, no status is retried', async () => {
    const cases: Array<[Partial<SmsResult> | undefined, 'failed' | 'retry']> = [
      [{ successful: false, httpStatusCode: 400 }, 'failed'],
      [{ successful: false, httpStatusCode: 499 }, 'failed'],
      [{ successful: false, httpStatusCode: 429 }, 'retry'],
      [{ successful: false, httpStatusCode: 500 }, 'retry'],
      [{ successful: false, httpStatusCode: 503 }, 'retry'],
      [undefined, 'retry'],
    ];
    for (const [result, expected] of cases) {
      const w = await lifecycleWorld();
      w.lifecycle.sms = { send: async (input) => (result ? [{ to: input.to[0]!, ...result } as SmsResult] : []) };
      const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
      const outcome = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' }).then(
        () => 'done',
        (e: unknown) => {
          // ChannelsToRetry carries the first transient error as its cause
          const cause = (e as { cause?: unknown }).cause;
          return cause instanceof AcsError ? `retry:${cause.code}` : String(e);
        },
      );
      if (expected === 'failed') {
        expect(outcome).toBe('done');
        expect(await record(w, booked.id, 'sms')).toMatchObject({ state: 'failed', failure: `sms:Recipient${result!.httpStatusCode}` });
      } else {
        expect(outcome).toBe(`retry:Recipient${result?.httpStatusCode ?? ''}`);
      }
    }
  });

  it('reports a sender the resource does not own (401) to the SMS channel, once per failure', async () => {
    const w = await lifecycleWorld();
    let refused = 0;
    w.lifecycle.smsChannel = { unavailableFor: () => undefined, senderRefused: () => void (refused += 1) } as never;
    w.messaging.failSms.push(new AcsError('sms', 'send', 401, 'Unauthorized', 'not your number', false));
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(refused).toBe(1);
    expect(await record(w, booked.id, 'sms')).toMatchObject({ state: 'failed', failure: 'sms:Unauthorized' });
    w.messaging.failSms.push(new AcsError('sms', 'send', 400, 'BadRequest', 'no', false));
    const other = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    await sendNotice(w.lifecycle, { appointmentId: other.id, version: 1, notice: 'confirmation' });
    expect(refused).toBe(1);
  });
});
