/**
 * The words of every message, per language. Each text is a record over every locale, so a missing
 * translation fails the build, never a send. Adding a language = adding it to LOCALES and one object
 * to each record (this file, provider-texts.ts, notice-texts.ts).
 */
/** The languages the app writes in; a business names one of them as its default. */
export const LOCALES = ['en', 'de', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

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

const fr: Texts = {
  greeting: (name) => `Bonjour ${name},`,
  subject: {
    confirmation: (what) => `Confirmé : ${what}`,
    reminder: (what) => `Rappel : ${what}`,
    reschedule: (what) => `Nouvel horaire : ${what}`,
    cancellation: (what) => `Annulé : ${what}`,
  },
  lead: {
    confirmation: (what, when) => `votre rendez-vous ${what} est réservé pour le ${when}.`,
    reminder: (what, when) => `nous vous rappelons votre rendez-vous ${what} le ${when}.`,
    reschedule: (what, when) => `votre rendez-vous ${what} a été déplacé au ${when}.`,
    cancellation: (what, when) => `votre rendez-vous ${what} du ${when} a été annulé.`,
  },
  sms: {
    confirmation: (what, when) => `Réservé : ${what}, ${when}.`,
    reminder: (what, when) => `Rappel : ${what}, ${when}.`,
    reschedule: (what, when) => `Déplacé : ${what}, désormais ${when}.`,
    cancellation: (what, when) => `Annulé : ${what}, ${when}.`,
  },
  joinLabel: 'Rejoindre la consultation vidéo',
  manageLabel: 'Déplacer ou annuler',
  with: (service, provider) => `${service} avec ${provider}`,
  signOff: (business) => `${business}`,
};

const es: Texts = {
  greeting: (name) => `Hola, ${name}:`,
  subject: {
    confirmation: (what) => `Confirmada: ${what}`,
    reminder: (what) => `Recordatorio: ${what}`,
    reschedule: (what) => `Nueva hora: ${what}`,
    cancellation: (what) => `Cancelada: ${what}`,
  },
  lead: {
    confirmation: (what, when) => `su cita ${what} está reservada para el ${when}.`,
    reminder: (what, when) => `le recordamos su cita ${what} el ${when}.`,
    reschedule: (what, when) => `su cita ${what} se ha trasladado al ${when}.`,
    cancellation: (what, when) => `su cita ${what} del ${when} ha sido cancelada.`,
  },
  sms: {
    confirmation: (what, when) => `Reservada: ${what}, ${when}.`,
    reminder: (what, when) => `Recordatorio: ${what}, ${when}.`,
    reschedule: (what, when) => `Cambiada: ${what}, ahora ${when}.`,
    cancellation: (what, when) => `Cancelada: ${what}, ${when}.`,
  },
  joinLabel: 'Unirse a la videoconsulta',
  manageLabel: 'Cambiar o cancelar',
  with: (service, provider) => `${service} con ${provider}`,
  signOff: (business) => `${business}`,
};

export const TRANSLATIONS: Readonly<Record<Locale, Texts>> = { en, de, fr, es };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The language to write in for a BCP 47 tag (`de-AT` -> de); `fallback` (the business's default) when
 * the reader gave none or one the app does not speak.
 */
export function languageOf(locale: string | undefined, fallback: Locale = DEFAULT_LOCALE): Locale {
  const language = (locale ?? '').split('-')[0]!.toLowerCase();
  return isLocale(language) ? language : fallback;
}

/**
 * The locale dates are formatted in: the reader's full tag when its language is the one written
 * (de-AT keeps Austrian month names), else the language itself.
 */
export function formatLocaleOf(locale: string | undefined, language: Locale): string {
  return locale && locale.split('-')[0]!.toLowerCase() === language ? locale : language;
}
