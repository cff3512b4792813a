import type { Appointment, Channel, SkipReason } from '../../domain/appointments/appointment';
import type { DeliveryResult, NotificationChannel, NotificationKey, NotificationMoment } from '../../domain/lifecycle/notifications';
import { AcsError, AcsThrottledError } from '../ports/acs';
import type { BusinessRecord, ProviderRecord, ServiceRecord } from '../ports/business-repository';
import type { Versioned } from '../ports/versioned';
import type { LifecycleDeps } from './lifecycle-deps';
import { CAPPED_PREFIX, sendOnce } from './send-once';

// The channel machinery shared by notices and reminders: the step's setting, one send per channel
// (each at most once), skips with their reason, and the retry of what is left.

/**
 * What one send step did per channel; `stale` when the appointment had moved on and nothing was sent.
 * `throttledForMs`: ACS throttled every channel still to send and asked to wait that long; the lifecycle
 * sends them after a durable timer instead of sleeping inside the activity.
 */
export type SendReport =
  { stale: true } | { stale: false; results: Partial<Record<NotificationChannel | 'event', DeliveryResult>>; throttledForMs?: number };

export function cappedReason(failure: string | undefined): SkipReason | undefined {
  return failure?.startsWith(CAPPED_PREFIX) ? (failure.slice(CAPPED_PREFIX.length) as SkipReason) : undefined;
}

export interface Setting {
  appointment: Appointment;
  business: BusinessRecord;
  service: ServiceRecord;
  provider: ProviderRecord;
}

/** The appointment if it still has this version and status; otherwise the step is stale and does nothing. */
export async function currentVersion(
  deps: LifecycleDeps,
  appointmentId: string,
  version: number,
  status: Appointment['status'],
): Promise<Versioned<Appointment> | undefined> {
  const found = await deps.appointments.find(appointmentId);
  if (found && found.value.version === version && found.value.status === status) return found;
  deps.log.info('lifecycle.step.stale', { appointmentId, version, currentVersion: found?.value.version, status: found?.value.status });
  return undefined;
}

export async function settingOf(deps: LifecycleDeps, appointment: Appointment): Promise<Setting> {
  const [business, service, provider] = await Promise.all([
    deps.businesses.getBusiness(appointment.businessId),
    deps.businesses.getService(appointment.businessId, appointment.serviceId),
    deps.businesses.getProvider(appointment.businessId, appointment.providerId),
  ]);
  if (!business || !service || !provider) throw new Error(`business, service or provider of appointment ${appointment.id} is missing`);
  return { appointment, business: business.value, service: service.value, provider: provider.value };
}

/** A channel still to retry after the others were tried. */
export class ChannelsToRetry extends Error {
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

export function partialResults(error: unknown): Partial<Record<NotificationChannel, DeliveryResult>> {
  return error instanceof ChannelsToRetry ? error.results : {};
}

/**
 * Every channel is tried even when one fails transiently (one slow service must not hold back the
 * others); then the first transient error is thrown so the activity is retried for what is left. When
 * every such error was ACS throttling, the error carries the longest Retry-After instead.
 */
export async function sendChannels(
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
  // Asked while the channels before SMS are sent, so the check adds no wait; its failure is taken up at the SMS channel.
  const smsReachable = channels.includes('sms') && !deps.smsChannel?.unavailableFor(setting.appointment.consumer.phone ?? '');
  const optedOut = smsReachable ? settle(smsOptedOut(deps, setting)) : undefined;
  for (const channel of channels) {
    const key = { appointmentId: setting.appointment.id, version: setting.appointment.version, moment, channel };
    const logResult = (reason: string | undefined) =>
      deps.log.info('lifecycle.notification', { ...key, result: results[channel], ...(reason ? { reason } : {}) });
    const unavailable = channel === 'sms' ? deps.smsChannel?.unavailableFor(setting.appointment.consumer.phone ?? '') : undefined;
    if (unavailable) {
      results[channel] = await skipOnce(deps, key, unavailable);
      logResult(unavailable);
      continue;
    }
    try {
      if (channel === 'sms' && optedOut && unwrap(await optedOut)) {
        results[channel] = await skipOnce(deps, key, 'sms-opted-out');
        reasons.sms = 'sms-opted-out';
        logResult('sms-opted-out');
        continue;
      }
      results[channel] = await sendOnce(deps, key, (idempotencyKey) => send(channel, idempotencyKey));
      if (results[channel] === 'skipped' && channel !== 'provider-email') {
        reasons[channel] = cappedReason((await deps.notifications.get(key))?.failure);
      }
      logResult(channel !== 'provider-email' ? reasons[channel] : undefined);
    } catch (error) {
      deps.log.warn('lifecycle.notification.retry', {
        appointmentId: key.appointmentId,
        version: key.version,
        moment,
        channel,
        error: error instanceof AcsError ? `${error.service}:${error.code}` : String(error),
      });
      retry ??= error;
      throttledForMs =
        error instanceof AcsThrottledError && throttledForMs !== undefined ? Math.max(throttledForMs, error.retryAfterMs) : undefined;
    }
  }
  if (retry !== undefined) throw new ChannelsToRetry(retry, results, throttledForMs);
  return results;
}

type Settled<T> = { value: T } | { error: unknown };
/** A promise that never rejects (so one started early cannot go unhandled), and its value or error later. */
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
function unwrap<T>(settled: Settled<T>): T {
  if ('error' in settled) throw settled.error;
  return settled.value;
}

/**
 * Whether the consumer's number opted out of this business's SMS. ACS's opt-out list for the sender is
 * the truth: a STOP puts the number on it, a START takes it off, and the business's record follows it.
 * When ACS cannot answer for this resource (a non-transient error: the preview API is not offered), the
 * record decides, said in the log: a number that once texted STOP is not texted again on a guess. A
 * transient failure is retried like a failed send.
 */
async function smsOptedOut(deps: LifecycleDeps, setting: Setting): Promise<boolean> {
  const phone = setting.appointment.consumer.phone;
  if (!deps.optOuts || !phone) return false;
  const { store, acs } = deps.optOuts;
  const businessId = setting.business.id;
  const where = { businessId, appointmentId: setting.appointment.id };
  let listed: boolean | undefined;
  try {
    listed = await acs.isOptedOut(phone);
  } catch (error) {
    if (!(error instanceof AcsError && !error.transient)) throw error;
    deps.log.warn('sms.optout.check.unavailable', { ...where, error: `${error.service}:${error.code}` });
  }
  if (listed === undefined) return store.isOptedOut(businessId, phone);
  const recorded = await store.isOptedOut(businessId, phone);
  if (listed && !recorded) {
    await store.record(businessId, phone, deps.clock.now());
    deps.log.info('sms.optout.recorded', where);
  } else if (!listed && recorded) {
    await store.remove(businessId, phone);
    deps.log.info('sms.optout.cleared', where);
  }
  return listed;
}

/** Records a channel left out on purpose (with the reason), unless it was already sent or failed. */
export async function skipOnce(deps: LifecycleDeps, key: NotificationKey, reason: string): Promise<DeliveryResult> {
  const earlier = await deps.notifications.get(key);
  if (earlier?.state === 'sent' || earlier?.state === 'failed') return earlier.state;
  if (earlier?.state !== 'skipped') await deps.notifications.finish(key, { state: 'skipped', failure: reason }, deps.clock.now());
  return 'skipped';
}
