import { DateTime } from 'luxon';
import { languageOf, TRANSLATIONS, type ConsumerMessageKind } from './texts';

export type { ConsumerMessageKind } from './texts';

/** What a message is about; links carry a token minted for the message (docs/api.md "Message link tokens": `?token=`). */
export interface MessageFacts {
  consumerName: string;
  providerName: string;
  serviceName: string;
  businessName: string;
  start: number;
  end: number;
  /** IANA zone the times are shown in (the consumer's, else the business's). */
  timeZone: string;
  /** BCP 47; English when no translation exists. */
  locale?: string;
  links: { join: string; manage: string };
}

export interface ComposedMessage {
  subject: string;
  plainText: string;
  html: string;
  sms: string;
}

/** Start and end in the zone and the locale's own format, with the zone named (e.g. "Monday, 7 January 2030, 14:30-15:00 (Europe/Berlin)"). */
export function formatWhen(start: number, end: number, timeZone: string, locale: string): string {
  const from = DateTime.fromMillis(start, { zone: timeZone }).setLocale(locale);
  const to = DateTime.fromMillis(end, { zone: timeZone }).setLocale(locale);
  const day = from.toLocaleString({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  return `${day}, ${from.toLocaleString(DateTime.TIME_SIMPLE)}-${to.toLocaleString(DateTime.TIME_SIMPLE)} (${timeZone})`;
}

/** A consumer message in every form it is sent: email subject, plain text, HTML, and SMS text. */
export function composeConsumerMessage(kind: ConsumerMessageKind, facts: MessageFacts): ComposedMessage {
  const language = languageOf(facts.locale);
  const texts = TRANSLATIONS[language]!;
  // Date formats follow the consumer's full locale when its language is translated (de-AT keeps Austrian month names).
  const formatLocale = facts.locale && facts.locale.split('-')[0]!.toLowerCase() === language ? facts.locale : language;
  const what = texts.with(facts.serviceName, facts.providerName);
  const when = formatWhen(facts.start, facts.end, facts.timeZone, formatLocale);
  const lead = texts.lead[kind](what, when);
  const showJoin = kind !== 'cancellation';
  const lines = [texts.greeting(facts.consumerName), '', lead, ''];
  if (showJoin) lines.push(`${texts.joinLabel}: ${facts.links.join}`, `${texts.manageLabel}: ${facts.links.manage}`, '');
  lines.push(texts.signOff(facts.businessName));
  const html = [
    `<p>${escapeHtml(texts.greeting(facts.consumerName))}</p>`,
    `<p>${escapeHtml(lead)}</p>`,
    ...(showJoin
      ? [`<p><a href="${escapeHtml(facts.links.join)}">${escapeHtml(texts.joinLabel)}</a></p>`, `<p><a href="${escapeHtml(facts.links.manage)}">${escapeHtml(texts.manageLabel)}</a></p>`]
      : []),
    `<p>${escapeHtml(texts.signOff(facts.businessName))}</p>`,
  ].join('\n');
  const sms = [texts.sms[kind](what, when), showJoin ? facts.links.join : undefined].filter(Boolean).join(' ');
  return { subject: texts.subject[kind](what), plainText: lines.join('\n'), html, sms };
}

export type ProviderMessageKind = 'booked' | 'rescheduled' | 'cancelled';

export interface ProviderFacts {
  providerName: string;
  consumerName: string;
  serviceName: string;
  start: number;
  end: number;
  /** The provider's zone. */
  timeZone: string;
  /** The provider's join link (signs in with the staff token). */
  joinUrl: string;
}

const PROVIDER_SUBJECT: Record<ProviderMessageKind, string> = { booked: 'New appointment', rescheduled: 'Appointment moved', cancelled: 'Appointment cancelled' };

/** The provider's email (English; providers have no locale yet); the calendar file goes as an attachment. */
export function composeProviderMessage(kind: ProviderMessageKind, facts: ProviderFacts): Omit<ComposedMessage, 'sms'> {
  const when = formatWhen(facts.start, facts.end, facts.timeZone, 'en');
  const subject = `${PROVIDER_SUBJECT[kind]}: ${facts.serviceName}, ${when}`;
  const lead = `${PROVIDER_SUBJECT[kind]}: ${facts.serviceName} with ${facts.consumerName}, ${when}.`;
  const join = kind === 'cancelled' ? [] : [`Join: ${facts.joinUrl}`];
  const plainText = [`Hello ${facts.providerName},`, '', lead, ...join, '', 'The calendar file is attached.'].join('\n');
  const html = [
    `<p>${escapeHtml(`Hello ${facts.providerName},`)}</p>`,
    `<p>${escapeHtml(lead)}</p>`,
    ...(kind === 'cancelled' ? [] : [`<p><a href="${escapeHtml(facts.joinUrl)}">Join</a></p>`]),
    '<p>The calendar file is attached.</p>',
  ].join('\n');
  return { subject, plainText, html };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
