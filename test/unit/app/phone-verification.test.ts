import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/app/errors';
import {
  CODE_TTL_MS,
  MAX_WRONG_CODES,
  requestPhoneVerification,
  verifiedConsumer,
  type PhoneVerificationDeps,
} from '../../../shared/app/phone-verification';
import type { SmsUnavailable } from '../../../shared/app/lifecycle/sms-channel';
import { AcsError } from '../../../shared/app/ports/acs';
import { business, DAY, HOUR, MONDAY } from '../../support/fakes/builders';
import { InMemoryBusinessRepository } from '../../support/fakes/business-repository';
import { FakeClock } from '../../support/fakes/clock';
import { FakeMessaging } from '../../support/fakes/messaging';
import { InMemoryPhoneVerificationStore } from '../../support/fakes/phone-verification-store';
import { InMemoryQuotaStore } from '../../support/fakes/quota-store';
import { outcome } from './world';

const PHONE = '+12065550100';
const consumer = { name: 'Ann', email: 'ann@example.com', phone: PHONE, smsConsent: true };

async function setUp(unavailable?: SmsUnavailable) {
  const businesses = new InMemoryBusinessRepository();
  await businesses.saveBusiness(business(), undefined);
  const messaging = new FakeMessaging();
  const deps: PhoneVerificationDeps = {
    businesses,
    verifications: new InMemoryPhoneVerificationStore(),
    quotas: new InMemoryQuotaStore(),
    sms: messaging.sms,
    smsChannel: { unavailableFor: () => unavailable },
    clock: new FakeClock(MONDAY + 10 * HOUR + 30 * 60_000),
    caps: { perNumberPerDay: 3, perClientPerHour: 5 },
  };
  const request = (phone = PHONE, clientAddress = '203.0.113.7') =>
    requestPhoneVerification(deps, { businessId: 'b1', phone, clientAddress });
  /** The code of the last SMS to `phone`. */
  const lastCode = (phone = PHONE) => /^(\d{6}) is your/.exec(messaging.sentTo(phone).at(-1)!.body)![1]!;
  return { deps, messaging, quotas: deps.quotas as InMemoryQuotaStore, clock: deps.clock as FakeClock, request, lastCode };
}

describe('requesting a phone verification code', () => {
  it('sends a 6-digit code naming the business, valid for 10 minutes, and stores only hashes', async () => {
    const { deps, messaging, request, lastCode, clock } = await setUp();
    const answer = await request();
    expect(answer.verificationId).toMatch(/^[a-f0-9]{32}$/);
    expect(answer.expiresAt).toBe(clock.now() + CODE_TTL_MS);
    expect(CODE_TTL_MS).toBe(10 * 60_000);
    const [sms] = messaging.sentTo(PHONE);
    expect(sms!.body).toBe(
      `${lastCode()} is your Clinic verification code. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
    );
    const stored = (await deps.verifications.find('b1', answer.verificationId))!.value;
    expect(stored).toEqual({
      id: answer.verificationId,
      businessId: 'b1',
      phoneHash: createHash('sha256').update(PHONE).digest('hex'),
      codeHash: createHash('sha256').update(`${answer.verificationId}:${lastCode()}`).digest('hex'),
      createdAt: clock.now(),
      expiresAt: answer.expiresAt,
      failedAttempts: 0,
    });
    expect(JSON.stringify(stored)).not.toContain(lastCode());
    expect(JSON.stringify(stored)).not.toContain(PHONE);
  });

  it('is 404 for an unknown business, before any quota or SMS', async () => {
    const { deps, quotas, messaging } = await setUp();
    expect(await outcome(requestPhoneVerification(deps, { businessId: 'nope', phone: PHONE, clientAddress: 'x' }))).toBe('not-found');
    expect(quotas.taken).toEqual([]);
    expect(messaging.delivered).toEqual([]);
  });

  it.each<[SmsUnavailable, string]>([
    ['sms-disabled', 'cannot receive SMS: this deployment sends no SMS'],
    ['sms-sender-refused', 'cannot receive SMS: this deployment sends no SMS'],
    ['sms-country-not-reached', "cannot receive SMS: the business's SMS number does not reach this country"],
  ])('refuses a number the channel cannot reach (%s) with a 400 on phone, using no quota', async (reason, message) => {
    const { request, quotas } = await setUp(reason);
    const error = (await request().catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('validation');
    expect(error.extensions.errors).toEqual([{ path: 'phone', message }]);
    expect(quotas.taken).toEqual([]);
  });

  it('caps codes per client address per hour before it counts the number, with the seconds left in the window', async () => {
    const { deps, request, quotas } = await setUp();
    deps.caps.perClientPerHour = 2;
    await request('+12065550101');
    await request('+12065550102');
    const error = (await request('+12065550103').catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('rate-limited');
    expect(error.detail).toBe('Too many verification codes requested from this address; try again later.');
    expect(error.extensions.retryAfterSeconds).toBe(30 * 60); // now is 10:30 in the 10:00-11:00 window
    expect(quotas.taken.filter((t) => t.counter.startsWith('code-phone|'))).toHaveLength(2);
    expect(quotas.taken.at(-1)).toEqual({ counter: 'code-client|203.0.113.7', granted: false });
    expect(await outcome(request('+12065550103', '198.51.100.1'))).toBe('ok');
  });

  it('caps codes per number per day, with the seconds left until UTC midnight; other numbers still get codes', async () => {
    const { request, messaging } = await setUp();
    for (let i = 0; i < 3; i += 1) await request(PHONE, `10.0.0.${i}`);
    const error = (await request(PHONE, '10.0.0.9').catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('rate-limited');
    expect(error.detail).toBe('Too many verification codes were sent to this number today; try again tomorrow.');
    expect(error.extensions.retryAfterSeconds).toBe((DAY - 10.5 * HOUR) / 1000);
    expect(messaging.sentTo(PHONE)).toHaveLength(3);
    expect(await outcome(request('+12065550199', '10.0.0.9'))).toBe('ok');
  });

  it('a transient ACS failure is a 503 to retry in 5 seconds; a refusal is a 400 on phone', async () => {
    const { request, messaging } = await setUp();
    messaging.failSms.push(new AcsError('sms', 'send', 429, 'TooManyRequests', 'slow down', true));
    const busy = (await request().catch((e: unknown) => e)) as AppError;
    expect(busy.code).toBe('unavailable');
    expect(busy.extensions.retryAfterSeconds).toBe(5);
    messaging.failSms.push(new AcsError('sms', 'send', 400, 'BadRequest', 'no', false));
    expect(await outcome(request())).toBe('validation:phone');
    messaging.failSms.push(new Error('socket hang up'));
    expect(await outcome(request('+12065550123'))).toBe('validation:phone');
    // The fake refuses a number outside the toll-free sender's reach: not successful = 400
    expect(await outcome(request('+4915112345678'))).toBe('validation:phone');
  });
});

describe('booking with a verification code', () => {
  it('marks the phone verified with the right live code; without a code the phone is not verified', async () => {
    const { deps, request, lastCode } = await setUp();
    const { verificationId } = await request();
    expect(await verifiedConsumer(deps, 'b1', { ...consumer, phoneVerification: { id: verificationId, code: lastCode() } })).toEqual({
      ...consumer,
      phoneVerified: true,
    });
    expect(await verifiedConsumer(deps, 'b1', consumer)).toEqual({ ...consumer, phoneVerified: false });
  });

  it('needs the phone the code was sent to, the business it was requested at, and a code not yet expired', async () => {
    const { deps, request, lastCode, clock } = await setUp();
    const { verificationId, expiresAt } = await request();
    const code = lastCode();
    const attempt = (extra: object = {}, businessId = 'b1') =>
      outcome(verifiedConsumer(deps, businessId, { ...consumer, phoneVerification: { id: verificationId, code }, ...extra }));
    expect(await attempt({ phone: '+12065550199' })).toBe('validation:consumer.phoneVerification.code');
    expect(await attempt({}, 'b2')).toBe('validation:consumer.phoneVerification.code');
    expect(await attempt({ phone: undefined })).toBe('validation:consumer.phone');
    clock.set(expiresAt - 1);
    expect(await attempt()).toBe('ok');
    clock.set(expiresAt);
    expect(await attempt()).toBe('validation:consumer.phoneVerification.code');
  });

  it('counts each wrong code and kills the verification after 5 wrong tries, even for the right code', async () => {
    const { deps, request, lastCode } = await setUp();
    const { verificationId } = await request();
    const code = lastCode();
    const wrongCode = code === '000000' ? '000001' : '000000';
    const attempt = (c: string) =>
      outcome(verifiedConsumer(deps, 'b1', { ...consumer, phoneVerification: { id: verificationId, code: c } }));
    expect(MAX_WRONG_CODES).toBe(5);
    for (let i = 1; i < MAX_WRONG_CODES; i += 1) {
      expect(await attempt(wrongCode)).toBe('validation:consumer.phoneVerification.code');
      expect((await deps.verifications.find('b1', verificationId))!.value.failedAttempts).toBe(i);
    }
    expect(await attempt(code)).toBe('ok'); // four wrong tries still leave the code alive
    expect(await attempt(wrongCode)).toBe('validation:consumer.phoneVerification.code');
    expect(await attempt(code)).toBe('validation:consumer.phoneVerification.code');
    expect(await attempt(`${code}0`)).toBe('validation:consumer.phoneVerification.code');
  });

  it('an unknown verification id is the same 400, and counts nothing', async () => {
    const { deps } = await setUp();
    expect(await outcome(verifiedConsumer(deps, 'b1', { ...consumer, phoneVerification: { id: 'f'.repeat(32), code: '123456' } }))).toBe(
      'validation:consumer.phoneVerification.code',
    );
  });

  it('counts a wrong try once even when a concurrent try changed the row first', async () => {
    const { deps, request, lastCode } = await setUp();
    const { verificationId } = await request();
    const wrongCode = lastCode() === '111111' ? '222222' : '111111';
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        outcome(verifiedConsumer(deps, 'b1', { ...consumer, phoneVerification: { id: verificationId, code: wrongCode } })),
      ),
    );
    expect(results).toEqual(Array(3).fill('validation:consumer.phoneVerification.code'));
    expect((await deps.verifications.find('b1', verificationId))!.value.failedAttempts).toBe(3);
  });
});
