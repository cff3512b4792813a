import { createHash } from 'node:crypto';
import type { Appointment, Channel, PlannedReminder, SkipReason } from '../../domain/appointments/appointment';
import { buildCalendar } from '../../domain/appointments/calendar';
import { canText, noticeChannels } from '../../domain/lifecycle/plan';
import {
  reminderMoment,
  settleReminder,
  type DeliveryResult,
  type NotificationChannel,
  type NotificationKey,
  type NotificationMoment,
} from '../../domain/lifecycle/notifications';
import {
  composeConsumerMessage,
  composeProviderMessage,
  type ComposedMessage,
  type ConsumerMessageKind,
  type ProviderMessageKind,
} from '../../domain/messages/compose';
import type { NoticeKind } from '../../domain/messages/texts';
import { AcsError, AcsThrottledError } from '../ports/acs';
import type { BusinessRecord, ProviderRecord, ServiceRecord } from '../ports/business-repository';
import type { Versioned } from '../ports/versioned';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';
import type { LifecycleDeps } from './lifecycle-deps';
import { CAPPED_PREFIX, sendOnce } from './send-once';
import { MessageCapped } from './message-caps';
import { outboxMessage } from '../appointments/effects';
import { newManageToken, withMessageToken } from '../manage-token';
import { appointmentEvent } from '../events/appointment-events';

/** The notices sent when the appointment itself changes (reminders are sent by `sendReminder`). */
export type Notice = NoticeKind;

export interface NoticeInput {
  appointmentId: string;
  /** The appointment version the notice is about; nothing is sent if the appointment moved on. */
  version: number;
  notice: Notice;
}

export interface ReminderInput {
  appointmentId: string;
  version: number;
  /** Position in the appointment's `reminders`. */
  index: number;
}

/**
 * What one send step did per channel; `stale` when the appointment had moved on and nothing was sent.
 * `throttledForMs`: ACS throttled every channel still to send and asked to wait that long; the lifecycle
 * sends them after a durable timer instead of sleeping inside the activity.
 */
export type SendReport = { stale: true } | { stale: false; results: Partial<Record<NotificationChannel, DeliveryResult>>; throttledForMs?: number };

const PROVIDER_KIND: Record<Notice, ProviderMessageKind> = { confirmation: 'booked', reschedule: 'rescheduled', cancellation: 'cancelled' };
const CONSUMER_STATUS: Record<Notice, Appointment['status']> = { confirmation: 'booked', reschedule: 'booked', cancellation: 'cancelled' };

/** Confirmation, reschedule or cancellation notice: the consumer on the notice channels, the provider by email with the calendar file. */
export async function sendNotice(deps: LifecycleDeps, input: NoticeInput): Promise<SendReport> {
  const current = await currentVersion(deps, input.appointmentId, input.version, CONSUMER_STATUS[input.notice]);
  if (!current) return { stale: true };
  const setting = await settingOf(deps, current.value);
  const moment: NotificationMoment = input.notice;
  // A cancelled appointment has nothing left to manage: its notice carries links without a token.
  const consumerMessage = consumerMessageOnce(deps, setting, input.notice, input.notice !== 'cancellation');
  const channels: NotificationChannel[] = [...noticeChannels(current.value.consumer), 'provider-email'];
  try {
    const results = await sendChannels(deps, setting, moment, channels, (channel, idempotencyKey) =>
      channel === 'provider-email'
        ? sendProviderEmail(deps, setting, PROVIDER_KIND[input.notice], input.notice, idempotencyKey)
        : sendToConsumer(deps, setting, channel, consumerMessage, input.notice, idempotencyKey),
    );
    return { stale: false, results };
  } catch (error) {
    if (error instanceof ChannelsToRetry && error.throttledForMs !== undefined) return { stale: false, results: error.results, throttledForMs: error.throttledForMs };
    throw error;
  }
}

/** One reminder of the plan on its channels (SMS only while the consumer can be texted); the outcome is recorded on the appointment. */
export async function sendReminder(deps: LifecycleDeps, input: ReminderInput): Promise<SendReport> {
  const current = await currentVersion(deps, input.appointmentId, input.version, 'booked');
  const reminder = current?.value.reminders[input.index];
  if (!current || !reminder || reminder.status !== 'pending') return { stale: true };
  const setting = await settingOf(deps, current.value);
  const message = consumerMessageOnce(deps, setting, 'reminder', true);
  const usable = reminder.channels.filter((channel) => channel === 'email' || canText(current.value.consumer));
  const skipped = Object.fromEntries(reminder.channels.filter((c) => !usable.includes(c)).map((c) => [c, 'skipped' as const]));
  let results: Partial<Record<NotificationChannel, DeliveryResult>> = skipped;
  const reasons: Partial<Record<Channel, SkipReason>> = {};
  let retry: unknown;
  try {
    results = { ...skipped, ...(await sendChannels(deps, setting, reminderMoment(input.index), usable, (channel, key) => sendToConsumer(deps, setting, channel as Channel, message, 'reminder', key), reasons)) };
  } catch (error) {
    retry = error;
    results = { ...skipped, ...partialResults(error) };
  }
  // Channels that finished are recorded even when another one is to be retried.
  await recordReminder(deps, input.appointmentId, input.version, input.index, results, reasons);
  if (retry instanceof ChannelsToRetry && retry.throttledForMs !== undefined) return { stale: false, results, throttledForMs: retry.throttledForMs };
  if (retry !== undefined) throw retry;
  return { stale: false, results };
}

/**
 * After the last retry failed: every channel of the step not recorded as sent is marked failed, in the
 * notification store and (for a reminder) on the appointment's deliveries.
 */
export async function recordUndelivered(
  deps: LifecycleDeps,
  input: { appointmentId: string; version: number; moment: NotificationMoment },
): Promise<void> {
  const found = await deps.appointments.find(input.appointmentId);
  if (!found || found.value.version !== input.version) return;
  const index = /^reminder-(\d+)$/.exec(input.moment)?.[1];
  const reminder = index === undefined ? undefined : found.value.reminders[Number(index)];
  const channels: NotificationChannel[] = reminder ? reminder.channels : [...noticeChannels(found.value.consumer), 'provider-email'];
  const results: Partial<Record<NotificationChannel, DeliveryResult>> = {};
  const reasons: Partial<Record<Channel, SkipReason>> = {};
  for (const channel of channels) {
    const key = { appointmentId: input.appointmentId, version: input.version, moment: input.moment, channel };
    const record = await deps.notifications.get(key);
    if (record?.state === 'sent' || record?.state === 'skipped') {
      results[channel] = record.state;
      continue;
    }
    const capped = cappedReason(record?.failure);
    if (capped && channel !== 'provider-email') {
      results[channel] = 'skipped';
      reasons[channel] = capped;
      continue;
    }
    results[channel] = 'failed';
    if (record?.state !== 'failed') await deps.notifications.finish(key, { state: 'failed', failure: 'retries-exhausted' }, deps.clock.now());
  }
  deps.log.warn('lifecycle.notification.failed', { appointmentId: input.appointmentId, version: input.version, moment: input.moment, channels: Object.keys(results).filter((c) => results[c as NotificationChannel] === 'failed') });
  if (reminder && index !== undefined) await recordReminder(deps, input.appointmentId, input.version, Number(index), results, reasons);
}

function cappedReason(failure: string | undefined): SkipReason | undefined {
  return failure?.startsWith(CAPPED_PREFIX) ? (failure.slice(CAPPED_PREFIX.length) as SkipReason) : undefined;
}

// --- helpers ---------------------------------------------------------------------------------------

interface Setting {
  appointment: Appointment;
  business: BusinessRecord;
  service: ServiceRecord;
  provider: ProviderRecord;
}

/** The appointment if it still has this version and status; otherwise the step is stale and does nothing. */
async function currentVersion(deps: LifecycleDeps, appointmentId: string, version: number, status: Appointment['status']): Promise<Versioned<Appointment> | undefined> {
  const found = await deps.appointments.find(appointmentId);
  if (found && found.value.version === version && found.value.status === status) return found;
  deps.log.info('lifecycle.step.stale', { appointmentId, version, currentVersion: found?.value.version, status: found?.value.status });
  return undefined;
}

async function settingOf(deps: LifecycleDeps, appointment: Appointment): Promise<Setting> {
  const [business, service, provider] = await Promise.all([
    deps.businesses.getBusiness(appointment.businessId),
    deps.businesses.getService(appointment.businessId, appointment.serviceId),
    deps.businesses.getProvider(appointment.businessId, appointment.providerId),
  ]);
  if (!business || !service || !provider) throw new Error(`business, service or provider of appointment ${appointment.id} is missing`);
  return { appointment, business: business.value, service: service.value, provider: provider.value };
}

/**
 * The consumer's message of one send step, composed when the first channel actually sends (a step
 * whose channels all went out before mints nothing). Its links carry a fresh token whose hash joins
 * the appointment's message tokens: no token is kept in clear anywhere, and every message works even
 * when the manage token was re-issued since.
 */
function consumerMessageOnce(deps: LifecycleDeps, setting: Setting, kind: ConsumerMessageKind, withToken: boolean): () => Promise<{ message: ComposedMessage; join: string }> {
  let composed: Promise<{ message: ComposedMessage; join: string }> | undefined;
  return () =>
    (composed ??= (async () => {
      const token = withToken ? await issueMessageToken(deps, setting.appointment.id) : undefined;
      const facts = consumerFacts(deps, setting, token);
      return { message: composeConsumerMessage(kind, facts), join: facts.links.join };
    })());
}

/** A fresh token for one message; undefined when the appointment is no longer booked (links then carry none). */
async function issueMessageToken(deps: LifecycleDeps, appointmentId: string): Promise<string | undefined> {
  return retryOnConflict(
    5,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      if (!found || found.value.status !== 'booked') return undefined;
      const { token, hash } = newManageToken();
      const value = { ...found.value, messageTokenHashes: withMessageToken(found.value.messageTokenHashes, hash) };
      await deps.appointments.commit(appointmentUpdate(found, value));
      return token;
    },
    {
      whenExhausted: () => {
        throw new Error(`appointment ${appointmentId} kept changing while a message token was issued`);
      },
    },
  );
}

function consumerFacts(deps: LifecycleDeps, setting: Setting, manageToken: string | undefined) {
  const { appointment } = setting;
  return {
    consumerName: appointment.consumer.name,
    providerName: setting.provider.displayName,
    serviceName: setting.service.name,
    businessName: setting.business.name,
    start: appointment.start,
    end: appointment.end,
    timeZone: appointment.consumer.timeZone ?? setting.business.timeZone,
    ...(appointment.consumer.locale ? { locale: appointment.consumer.locale } : {}),
    links: deps.links.consumer(appointment.id, manageToken),
  };
}

/** A channel still to retry after the others were tried. */
class ChannelsToRetry extends Error {
  constructor(
    first: unknown,
    readonly results: Partial<Record<NotificationChannel, DeliveryResult>>,
    /** Set when throttling was the only reason: the longest Retry-After among the throttled channels. */
    readonly throttledForMs?: number,
  ) {
    super(first instanceof Error ? first.message : String(first), { cause: first });
    this.name = 'ChannelsToRetry';
  }
}

function partialResults(error: unknown): Partial<Record<NotificationChannel, DeliveryResult>> {
  return error instanceof ChannelsToRetry ? error.results : {};
}

/**
 * Every channel is tried even when one fails transiently (one slow service must not hold back the
 * others); then the first transient error is thrown so the activity is retried for what is left. When
 * every such error was ACS throttling, the error carries the longest Retry-After instead.
 */
async function sendChannels(
  deps: LifecycleDeps,
  setting: Setting,
  moment: NotificationMoment,
  channels: readonly NotificationChannel[],
  send: (channel: NotificationChannel, idempotencyKey: string) => Promise<void>,
  /** Filled with the reason of each channel a cap refused. */
  reasons: Partial<Record<Channel, SkipReason>> = {},
): Promise<Partial<Record<NotificationChannel, DeliveryResult>>> {
  const results: Partial<Record<NotificationChannel, DeliveryResult>> = {};
  let retry: unknown;
  let throttledForMs: number | undefined = 0;
  for (const channel of channels) {
    const key = { appointmentId: setting.appointment.id, version: setting.appointment.version, moment, channel };
    const unavailable = channel === 'sms' ? deps.smsChannel?.unavailableFor(setting.appointment.consumer.phone ?? '') : undefined;
    if (unavailable) {
      results[channel] = await skipOnce(deps, key, unavailable);
      deps.log.info('lifecycle.notification', { appointmentId: key.appointmentId, version: key.version, moment, channel, result: results[channel], reason: unavailable });
      continue;
    }
    try {
      results[channel] = await sendOnce(deps, key, (idempotencyKey) => send(channel, idempotencyKey));
      if (results[channel] === 'skipped' && channel !== 'provider-email') {
        reasons[channel] = cappedReason((await deps.notifications.get(key))?.failure);
      }
      deps.log.info('lifecycle.notification', { appointmentId: key.appointmentId, version: key.version, moment, channel, result: results[channel], ...(channel !== 'provider-email' && reasons[channel] ? { reason: reasons[channel] } : {}) });
    } catch (error) {
      deps.log.warn('lifecycle.notification.retry', { appointmentId: key.appointmentId, version: key.version, moment, channel, error: error instanceof AcsError ? `${error.service}:${error.code}` : String(error) });
      retry ??= error;
      throttledForMs = error instanceof AcsThrottledError && throttledForMs !== undefined ? Math.max(throttledForMs, error.retryAfterMs) : undefined;
    }
  }
  if (retry !== undefined) throw new ChannelsToRetry(retry, results, throttledForMs);
  return results;
}

/** Records a channel left out on purpose (with the reason), unless it was already sent or failed. */
async function skipOnce(deps: LifecycleDeps, key: NotificationKey, reason: string): Promise<DeliveryResult> {
  const earlier = await deps.notifications.get(key);
  if (earlier?.state === 'sent' || earlier?.state === 'failed') return earlier.state;
  if (earlier?.state !== 'skipped') await deps.notifications.finish(key, { state: 'skipped', failure: reason }, deps.clock.now());
  return 'skipped';
}

async function sendToConsumer(
  deps: LifecycleDeps,
  setting: Setting,
  channel: Channel,
  consumerMessage: () => Promise<{ message: ComposedMessage; join: string }>,
  kind: ConsumerMessageKind,
  idempotencyKey: string,
): Promise<void> {
  const { appointment } = setting;
  const recipient = channel === 'email' ? appointment.consumer.email : appointment.consumer.phone!;
  const capped = await deps.caps?.admit({ channel, recipient, businessId: appointment.businessId, now: deps.clock.now() });
  if (capped) throw new MessageCapped(capped);
  // Composed (and its link token minted) only once the message may go out.
  const { message, join } = await consumerMessage();
  const label = { kind, appointmentId: appointment.id };
  if (channel === 'email') {
    await deps.email.send({
      to: [{ address: appointment.consumer.email, displayName: appointment.consumer.name }],
      subject: message.subject,
      plainText: message.plainText,
      html: message.html,
      // Every notice carries the calendar file (a cancellation's removes the event); reminders do not.
      ...(kind === 'reminder'
        ? {}
        : { attachments: [calendarAttachment(appointment, `${setting.service.name} with ${setting.provider.displayName}`, appointment.consumer.timeZone ?? setting.business.timeZone, join)] }),
      label,
      idempotencyKey,
    });
    return;
  }
  const [result] = await deps.sms.send({ to: [appointment.consumer.phone!], message: message.sms, label }).catch((error: unknown) => {
    // 401 on a send: the resource does not own ACS_SMS_FROM. A configuration error, reported once.
    if (error instanceof AcsError && error.status === 401) deps.smsChannel?.senderRefused();
    throw error;
  });
  if (!result?.successful) {
    const status = result?.httpStatusCode;
    const transient = status === undefined || status === 429 || status >= 500;
    throw new AcsError('sms', 'send', status, `Recipient${status ?? ''}`, 'ACS did not accept the SMS for its recipient', transient);
  }
}

async function sendProviderEmail(
  deps: LifecycleDeps,
  setting: Setting,
  kind: ProviderMessageKind,
  label: Notice,
  idempotencyKey: string,
): Promise<void> {
  const { appointment, provider, service } = setting;
  const joinUrl = deps.links.providerJoin(appointment.id);
  const message = composeProviderMessage(kind, {
    providerName: provider.displayName,
    consumerName: appointment.consumer.name,
    serviceName: service.name,
    start: appointment.start,
    end: appointment.end,
    timeZone: provider.timeZone,
    joinUrl,
  });
  await deps.email.send({
    to: [{ address: provider.email, displayName: provider.displayName }],
    subject: message.subject,
    plainText: message.plainText,
    html: message.html,
    attachments: [calendarAttachment(appointment, `${service.name} with ${appointment.consumer.name}`, provider.timeZone, joinUrl)],
    label: { kind: label, appointmentId: appointment.id },
    idempotencyKey,
  });
}

function calendarAttachment(appointment: Appointment, title: string, timeZone: string, joinUrl: string) {
  const text = buildCalendar([{ appointment, title, timeZone, joinUrl }], { timeZone });
  return { name: 'appointment.ics', contentType: 'text/calendar', content: Buffer.from(text, 'utf8') };
}

/** Read-modify-write of one reminder's bookkeeping (no version bump); stops if the appointment moved on. */
async function recordReminder(
  deps: LifecycleDeps,
  appointmentId: string,
  version: number,
  index: number,
  results: Partial<Record<NotificationChannel, DeliveryResult>>,
  reasons: Partial<Record<Channel, SkipReason>> = {},
): Promise<void> {
  await retryOnConflict(
    5,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      const reminder: PlannedReminder | undefined = found?.value.reminders[index];
      if (!found || found.value.version !== version || !reminder) return;
      const settled = settleReminder(reminder, results as Partial<Record<Channel, DeliveryResult>>, reasons);
      if (JSON.stringify(settled) === JSON.stringify(reminder)) return;
      const reminders = found.value.reminders.map((r, i) => (i === index ? settled : r));
      const announced = reminder.status === settled.status ? [] : reminderEvent(found, index, settled, deps.clock.now());
      await deps.appointments.commit(appointmentUpdate(found, { ...found.value, reminders }, announced));
    },
    {
      whenExhausted: () => {
        throw new Error(`appointment ${appointmentId} kept changing while its reminder was recorded`);
      },
    },
  );
}

/**
 * A reminder that just became sent or failed is announced, in the same commit that records it. One
 * whose every channel a cap refused was not delivered either: announced as failed, its deliveries
 * saying why.
 */
function reminderEvent(found: Versioned<Appointment>, index: number, reminder: PlannedReminder, now: number) {
  const appointment = found.value;
  const capped = reminder.status === 'skipped' && reminder.deliveries.some((d) => d.reason !== undefined && d.reason !== 'phone-not-verified');
  if (reminder.status !== 'sent' && reminder.status !== 'failed' && !capped) return [];
  const outcome = reminder.status === 'sent' ? 'sent' : 'failed';
  const moment = reminderMoment(index);
  const event = appointmentEvent(`appointment.reminder.${outcome}`, appointment, now, {
    detail: moment,
    data: { reminderIndex: index, dueAt: new Date(reminder.dueAt).toISOString(), deliveries: reminder.deliveries },
  });
  // A row per recording (named by the ETag it replaces): a reminder settled again after a crash adds a
  // second row for the same event id, which the topic's duplicate detection drops; a fixed row id
  // would make that commit conflict for ever.
  const recording = createHash('sha256').update(found.etag).digest('hex').slice(0, 16);
  return [{ ...outboxMessage(appointment, 'event.publish', now, { event }), id: `${appointment.id}|${appointment.version}|event.publish|${moment}|${recording}` }];
}
