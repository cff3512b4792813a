/**
 * The words of every message, per language. Adding a language = adding one object here; a consumer
 * whose locale has no translation gets English.
 */
/** Every kind of message a consumer is sent: the one list the texts, notices and ACS labels derive from. */
export const CONSUMER_MESSAGE_KINDS = ['confirmation', 'reminder', 'reschedule', 'cancellation'] as const;
export type ConsumerMessageKind = (typeof CONSUMER_MESSAGE_KINDS)[number];
/** The messages sent when the appointment itself changes (reminders follow the plan instead). */
export type NoticeKind = Exclude<ConsumerMessageKind, 'reminder'>;

export interface Texts {
  greeting: (name: string) => string;
  subject: Record<ConsumerMessageKind, (what: string) => string>;
  lead: Record<ConsumerMessageKind, (what: string, when: string) => string>;
  sms: Record<ConsumerMessageKind, (what: string, when: string) => string>;
  joinLabel: string;
  manageLabel: string;
  with: (service: string, provider: string) => string;
  signOff: (business: string) => string;
}

const en: Texts = {
  greeting: (name) => `Hello ${name},`,
  subject: {
    confirmation: (what) => `Confirmed: ${what}`,
    reminder: (what) => `Reminder: ${what}`,
    reschedule: (what) => `New time: ${what}`,
    cancellation: (what) => `Cancelled: ${what}`,
  },
  lead: {
    confirmation: (what, when) => `your appointment ${what} is booked for ${when}.`,
    reminder: (what, when) => `this is a reminder of your appointment ${what} on ${when}.`,
    reschedule: (what, when) => `your appointment ${what} has moved to ${when}.`,
    cancellation: (what, when) => `your appointment ${what} on ${when} has been cancelled.`,
  },
  sms: {
    confirmation: (what, when) => `Booked: ${what}, ${when}.`,
    reminder: (what, when) => `Reminder: ${what}, ${when}.`,
    reschedule: (what, when) => `Moved: ${what}, now ${when}.`,
    cancellation: (what, when) => `Cancelled: ${what}, ${when}.`,
  },
  joinLabel: 'Join the video visit',
  manageLabel: 'Reschedule or cancel',
  with: (service, provider) => `${service} with ${provider}`,
  signOff: (business) => `${business}`,
};

const de: Texts = {
  greeting: (name) => `Hallo ${name},`,
  subject: {
    confirmation: (what) => `Bestätigt: ${what}`,
    reminder: (what) => `Erinnerung: ${what}`,
    reschedule: (what) => `Neuer Termin: ${what}`,
    cancellation: (what) => `Abgesagt: ${what}`,
  },
  lead: {
    confirmation: (what, when) => `Ihr Termin ${what} ist gebucht für ${when}.`,
    reminder: (what, when) => `wir erinnern Sie an Ihren Termin ${what} am ${when}.`,
    reschedule: (what, when) => `Ihr Termin ${what} wurde verschoben auf ${when}.`,
    cancellation: (what, when) => `Ihr Termin ${what} am ${when} wurde abgesagt.`,
  },
  sms: {
    confirmation: (what, when) => `Gebucht: ${what}, ${when}.`,
    reminder: (what, when) => `Erinnerung: ${what}, ${when}.`,
    reschedule: (what, when) => `Verschoben: ${what}, jetzt ${when}.`,
    cancellation: (what, when) => `Abgesagt: ${what}, ${when}.`,
  },
  joinLabel: 'Zur Videosprechstunde',
  manageLabel: 'Verschieben oder absagen',
  with: (service, provider) => `${service} bei ${provider}`,
  signOff: (business) => `${business}`,
};

export const TRANSLATIONS: Readonly<Record<string, Texts>> = { en, de };

/** The translation for a BCP 47 tag (`de-AT` -> de), English when there is none. */
export function languageOf(locale: string | undefined): string {
  const language = (locale ?? '').split('-')[0]!.toLowerCase();
  return language in TRANSLATIONS ? language : 'en';
}
