import { DateTime } from 'luxon';
import { PROVIDER_TEXTS, type ProviderMessageKind } from './provider-texts';
import { DEFAULT_LOCALE, formatLocaleOf, languageOf, TRANSLATIONS, type ConsumerMessageKind, type Locale } from './texts';

export type { ConsumerMessageKind } from './texts';
export type { ProviderMessageKind } from './provider-texts';

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
  /** BCP 47, as the consumer gave it; `defaultLocale` when absent or not translated. */
  locale?: string;
  /** The business's language (English when unset). */
  defaultLocale?: Locale;
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
  const language = languageOf(facts.locale, facts.defaultLocale);
  const texts = TRANSLATIONS[language];
  const formatLocale = formatLocaleOf(facts.locale, language);
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
      ? [
          `<p><a href="${escapeHtml(facts.links.join)}">${escapeHtml(texts.joinLabel)}</a></p>`,
          `<p><a href="${escapeHtml(facts.links.manage)}">${escapeHtml(texts.manageLabel)}</a></p>`,
        ]
      : []),
    `<p>${escapeHtml(texts.signOff(facts.businessName))}</p>`,
  ].join('\n');
  const sms = [texts.sms[kind](what, when), showJoin ? facts.links.join : undefined].filter(Boolean).join(' ');
  return { subject: texts.subject[kind](what), plainText: lines.join('\n'), html, sms };
}

export interface ProviderFacts {
  providerName: string;
  consumerName: string;
  serviceName: string;
  start: number;
  end: number;
  /** The provider's zone. */
  timeZone: string;
  /** The provider's language (else the business's); English when unset. */
  locale?: Locale;
  /** The provider's join link (signs in with the staff token). */
  joinUrl: string;
}

/** The provider's email in the provider's language and zone; the calendar file goes as an attachment. */
export function composeProviderMessage(kind: ProviderMessageKind, facts: ProviderFacts): Omit<ComposedMessage, 'sms'> {
  const language = facts.locale ?? DEFAULT_LOCALE;
  const texts = PROVIDER_TEXTS[language];
  const when = formatWhen(facts.start, facts.end, facts.timeZone, language);
  const headline = texts.headline[kind];
  const subject = `${headline}: ${facts.serviceName}, ${when}`;
  const lead = `${headline}: ${texts.with(facts.serviceName, facts.consumerName)}, ${when}.`;
  const join = kind === 'cancelled' ? [] : [`${texts.joinLabel}: ${facts.joinUrl}`];
  const plainText = [texts.greeting(facts.providerName), '', lead, ...join, '', texts.attachmentNote].join('\n');
  const html = [
    `<p>${escapeHtml(texts.greeting(facts.providerName))}</p>`,
    `<p>${escapeHtml(lead)}</p>`,
    ...(kind === 'cancelled' ? [] : [`<p><a href="${escapeHtml(facts.joinUrl)}">${escapeHtml(texts.joinLabel)}</a></p>`]),
    `<p>${escapeHtml(texts.attachmentNote)}</p>`,
  ].join('\n');
  return { subject, plainText, html };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
