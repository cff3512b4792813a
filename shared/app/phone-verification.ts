import type { SmsChannel, SmsUnavailable } from './lifecycle/sms-channel';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Consumer } from '../domain/appointments/appointment';
import { DAY_MS, HOUR_MS } from '../domain/availability/local-time';
import { AppError } from './errors';
import type { SmsPort } from './ports/acs';
import { AcsError } from './ports/acs';
import type { BusinessRepository } from './ports/business-repository';
import type { Clock } from './ports/clock';
import type { PhoneVerificationStore } from './ports/phone-verification-store';
import type { QuotaStore } from './ports/quota-store';
import { retryOnConflict } from './retry-on-conflict';

/** docs/api.md "Phone verification and messages": codes live 10 minutes and survive 5 wrong tries. */
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_WRONG_CODES = 5;

export interface PhoneVerificationDeps {
  businesses: BusinessRepository;
  verifications: PhoneVerificationStore;
  quotas: QuotaStore;
  sms: SmsPort;
  /** Whether this deployment's SMS sender can reach a number at all (no sender, country not reached). */
  smsChannel: Pick<SmsChannel, 'unavailableFor'>;
  clock: Clock;
  caps: { perNumberPerDay: number; perClientPerHour: number };
}

const UNREACHABLE: Record<SmsUnavailable, string> = {
  'sms-disabled': 'cannot receive SMS: this deployment sends no SMS',
  'sms-sender-refused': 'cannot receive SMS: this deployment sends no SMS',
  'sms-country-not-reached': "cannot receive SMS: the business's SMS number does not reach this country",
};

/** The daily counter of codes sent to one number (an erasure deletes it: docs/privacy.md). */
export const phoneCodeCounter = (phone: string) => `code-phone|${phone}`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const codeHashOf = (id: string, code: string) => sha256(`${id}:${code}`);

/**
 * Sends a 6-digit code to `phone` (E.164) for bookings at this business. Capped per number per day and
 * per client address per hour (stored counters, so every instance sees the same counts): over a cap
 * it is a 429 and no SMS is sent.
 */
export async function requestPhoneVerification(
  deps: PhoneVerificationDeps,
  input: { businessId: string; phone: string; clientAddress: string },
): Promise<{ verificationId: string; expiresAt: number }> {
  const business = await deps.businesses.getBusiness(input.businessId);
  if (!business) throw new AppError('not-found', 'There is no such business.');
  // Refused before any quota is used or any SMS is attempted: no code could ever arrive.
  const unavailable = deps.smsChannel.unavailableFor(input.phone);
  if (unavailable) throw AppError.validation([{ path: 'phone', message: UNREACHABLE[unavailable] }]);
  const now = deps.clock.now();
  // Client first: a client cycling through numbers is stopped without using up those numbers' quota.
  if (!(await deps.quotas.take(`code-client|${input.clientAddress}`, deps.caps.perClientPerHour, HOUR_MS, now))) {
    throw new AppError('rate-limited', 'Too many verification codes requested from this address; try again later.', {
      retryAfterSeconds: secondsLeft(now, HOUR_MS),
    });
  }
  if (!(await deps.quotas.take(phoneCodeCounter(input.phone), deps.caps.perNumberPerDay, DAY_MS, now))) {
    throw new AppError('rate-limited', 'Too many verification codes were sent to this number today; try again tomorrow.', {
      retryAfterSeconds: secondsLeft(now, DAY_MS),
    });
  }
  const id = randomBytes(16).toString('hex');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = now + CODE_TTL_MS;
  await deps.verifications.create({
    id,
    businessId: input.businessId,
    phoneHash: sha256(input.phone),
    codeHash: codeHashOf(id, code),
    createdAt: now,
    expiresAt,
    failedAttempts: 0,
  });
  const message = `${code} is your ${business.value.name} verification code. It expires in 10 minutes. If you did not ask for it, ignore this message.`;
  let accepted: boolean;
  try {
    const [result] = await deps.sms.send({ to: [input.phone], message });
    accepted = result?.successful === true;
  } catch (error) {
    if (error instanceof AcsError && error.transient)
      throw new AppError('unavailable', 'The code could not be sent right now; retry.', { retryAfterSeconds: 5 });
    accepted = false;
  }
  if (!accepted) throw AppError.validation([{ path: 'phone', message: 'cannot receive SMS' }]);
  return { verificationId: id, expiresAt };
}

/**
 * The consumer as it is booked: `phoneVerified` when the booking carries a matching, live code for its
 * phone. A wrong, expired or foreign code is a 400 naming the field (wrong tries are counted).
 */
export async function verifiedConsumer(
  deps: Pick<PhoneVerificationDeps, 'verifications' | 'clock'>,
  businessId: string,
  consumer: Omit<Consumer, 'phoneVerified'> & { phoneVerification?: { id: string; code: string } },
): Promise<Consumer> {
  const { phoneVerification, ...rest } = consumer;
  if (!phoneVerification) return { ...rest, phoneVerified: false };
  if (!rest.phone) throw AppError.validation([{ path: 'consumer.phone', message: 'is required with phoneVerification' }]);
  const wrong = () =>
    AppError.validation([{ path: 'consumer.phoneVerification.code', message: 'is wrong or expired; request a new code' }]);
  const phone = rest.phone;
  return retryOnConflict(
    5,
    async () => {
      const found = await deps.verifications.find(businessId, phoneVerification.id);
      const now = deps.clock.now();
      if (
        !found ||
        found.value.phoneHash !== sha256(phone) ||
        found.value.expiresAt <= now ||
        found.value.failedAttempts >= MAX_WRONG_CODES
      )
        throw wrong();
      if (sameHash(found.value.codeHash, codeHashOf(found.value.id, phoneVerification.code))) return { ...rest, phoneVerified: true };
      // The wrong try is counted before it is answered.
      await deps.verifications.update({ value: { ...found.value, failedAttempts: found.value.failedAttempts + 1 }, etag: found.etag });
      throw wrong();
    },
    {
      whenExhausted: () => {
        throw wrong();
      },
    },
  );
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function secondsLeft(now: number, windowMs: number): number {
  return Math.max(1, Math.ceil((windowMs - (now % windowMs)) / 1000));
}
