import { AcsError, type EmailPort, type SmsPort } from '../../../shared/app/ports/acs';
import type { DeliveredMessage } from '../fakes/messaging';

/** The ports under test and what a recipient got (the fake's record, or the emulator's `/admin/messages`). */
export interface MessagingSubject {
  email: EmailPort;
  sms: SmsPort;
  sentTo(address: string): Promise<DeliveredMessage[]>;
  uniqueEmail(): string;
  /** A US number no other test uses (the sender is toll-free). */
  uniquePhone(): string;
}

/** What the app's email and SMS ports do; runs against FakeMessaging and the ACS adapters on the ACS emulator. */
export function messagingContract(make: () => MessagingSubject): void {
  let subject: MessagingSubject;
  beforeAll(() => {
    subject = make();
  });

  it('delivers an email with its label to each recipient, once per idempotency key', async () => {
    const to = subject.uniqueEmail();
    const input = {
      to: [{ address: to, displayName: 'Ada' }],
      subject: 'Booked',
      plainText: 'See you.',
      label: { kind: 'confirmation' as const, appointmentId: 'apt-1' },
      idempotencyKey: `apt-1|v1|confirmation|email|${to}`,
    };
    const first = await subject.email.send(input);
    const second = await subject.email.send(input);
    expect(second.operationId).toBe(first.operationId);
    expect(await subject.sentTo(to)).toEqual([
      expect.objectContaining({ channel: 'email', to, kind: 'confirmation', appointmentId: 'apt-1', subject: 'Booked', body: 'See you.' }),
    ]);
  });

  it('refuses an invalid email address with a final (non-transient) 400', async () => {
    const error = await subject.email.send({ to: [{ address: 'not-an-address' }], subject: 'x', plainText: 'y' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcsError);
    expect(error).toMatchObject({ service: 'email', status: 400, code: 'BadRequest', transient: false });
  });

  it('answers one SMS result per recipient: a bad or unreachable number fails only its own', async () => {
    const good = subject.uniquePhone();
    const results = await subject.sms.send({
      to: [good, '555-not-e164', '+493012345678'],
      message: 'Tomorrow at 10:00.',
      label: { kind: 'reminder', appointmentId: 'apt-2' },
    });
    expect(results).toEqual([
      expect.objectContaining({ to: good, successful: true, httpStatusCode: 202, messageId: expect.any(String) }),
      expect.objectContaining({ to: '555-not-e164', successful: false, httpStatusCode: 400 }),
      expect.objectContaining({ to: '+493012345678', successful: false, httpStatusCode: 400 }),
    ]);
    expect(await subject.sentTo(good)).toEqual([
      expect.objectContaining({ channel: 'sms', to: good, kind: 'reminder', appointmentId: 'apt-2', body: 'Tomorrow at 10:00.' }),
    ]);
    expect(await subject.sentTo('+493012345678')).toEqual([]);
  });
}
