import type { Channel } from '../../domain/appointments/appointment';
import { buildCalendar, type CalendarEntry } from '../../domain/appointments/calendar';
import { PROVIDER_TEXTS } from '../../domain/messages/provider-texts';
import { languageOf, TRANSLATIONS } from '../../domain/messages/texts';
import { businessLanguage, providerLanguage } from '../ports/business-repository';
import {
  composeConsumerMessage,
  composeProviderMessage,
  type ComposedMessage,
  type ConsumerMessageKind,
  type ProviderMessageKind,
} from '../../domain/messages/compose';
import { AcsError } from '../ports/acs';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';
import { newManageToken, withMessageToken } from '../manage-token';
import type { LifecycleDeps } from './lifecycle-deps';
import { MessageCapped } from './message-caps';
import type { Setting } from './channels';
import type { NoticeKind as Notice } from '../../domain/messages/texts';

// What goes to each person: the consumer's message on email or SMS (with a fresh link token), the
// provider's email with the calendar file.

/**
 * The consumer's message of one send step, composed when the first channel actually sends (a step
 * whose channels all went out before mints nothing). Its links carry a fresh token whose hash joins
 * the appointment's message tokens: no token is kept in clear anywhere, and every message works even
 * when the manage token was re-issued since.
 */
export function consumerMessageOnce(
  deps: LifecycleDeps,
  setting: Setting,
  kind: ConsumerMessageKind,
  withToken: boolean,
): () => Promise<{ message: ComposedMessage; join: string }> {
  let composed: Promise<{ message: ComposedMessage; join: string }> | undefined;
  return () =>
    (composed ??= (async () => {
      const token = withToken ? await issueMessageToken(deps, setting.appointment.id) : undefined;
      const facts = consumerFacts(deps, setting, token);
      return { message: composeConsumerMessage(kind, facts), join: facts.links.join };
    })());
}

/** A fresh token for one message; undefined when the appointment is no longer booked (links then carry none). Also used by the lost-link email. */
export async function issueMessageToken(deps: Pick<LifecycleDeps, 'appointments'>, appointmentId: string): Promise<string | undefined> {
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
    defaultLocale: businessLanguage(setting.business),
    links: deps.links.consumer(appointment.id, manageToken),
  };
}

export async function sendToConsumer(
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
      ...(kind === 'reminder' ? {} : { attachments: [consumerCalendar(setting, join)] }),
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

export async function sendProviderEmail(
  deps: LifecycleDeps,
  setting: Setting,
  kind: ProviderMessageKind,
  label: Notice,
  idempotencyKey: string,
): Promise<void> {
  const { appointment, provider, service } = setting;
  const joinUrl = deps.links.providerJoin(appointment.id);
  const language = providerLanguage(provider, setting.business);
  const message = composeProviderMessage(kind, {
    providerName: provider.displayName,
    consumerName: appointment.consumer.name,
    serviceName: service.name,
    start: appointment.start,
    end: appointment.end,
    timeZone: provider.timeZone,
    locale: language,
    joinUrl,
  });
  await deps.email.send({
    to: [{ address: provider.email, displayName: provider.displayName }],
    subject: message.subject,
    plainText: message.plainText,
    html: message.html,
    attachments: [
      calendarAttachment({
        appointment,
        title: PROVIDER_TEXTS[language].with(service.name, appointment.consumer.name),
        timeZone: provider.timeZone,
        joinUrl,
        language,
      }),
    ],
    label: { kind: label, appointmentId: appointment.id },
    idempotencyKey,
  });
}

/** The consumer's calendar file: in their language and zone (the business's when they named none). */
function consumerCalendar(setting: Setting, joinUrl: string) {
  const { appointment } = setting;
  const language = languageOf(appointment.consumer.locale, businessLanguage(setting.business));
  return calendarAttachment({
    appointment,
    title: TRANSLATIONS[language].with(setting.service.name, setting.provider.displayName),
    timeZone: appointment.consumer.timeZone ?? setting.business.timeZone,
    joinUrl,
    language,
    ...(appointment.consumer.locale ? { locale: appointment.consumer.locale } : {}),
  });
}

function calendarAttachment(entry: CalendarEntry & { joinUrl: string }) {
  const text = buildCalendar([entry], { timeZone: entry.timeZone });
  return { name: 'appointment.ics', contentType: 'text/calendar', content: Buffer.from(text, 'utf8') };
}
