import type { Locale } from './texts';

/** The provider's emails about their appointments, per language (the provider's, else the business's). */
export type ProviderMessageKind = 'booked' | 'rescheduled' | 'cancelled';

export interface ProviderTexts {
  greeting: (name: string) => string;
  /** What happened, as the subject's and the lead's first words. */
  headline: Record<ProviderMessageKind, string>;
  with: (service: string, consumer: string) => string;
  joinLabel: string;
  attachmentNote: string;
}

export const PROVIDER_TEXTS: Readonly<Record<Locale, ProviderTexts>> = {
  en: {
    greeting: (name) => `Hello ${name},`,
    headline: { booked: 'New appointment', rescheduled: 'Appointment moved', cancelled: 'Appointment cancelled' },
    with: (service, consumer) => `${service} with ${consumer}`,
    joinLabel: 'Join',
    attachmentNote: 'The calendar file is attached.',
  },
  de: {
    greeting: (name) => `Hallo ${name},`,
    headline: { booked: 'Neuer Termin', rescheduled: 'Termin verschoben', cancelled: 'Termin abgesagt' },
    with: (service, consumer) => `${service} mit ${consumer}`,
    joinLabel: 'Teilnehmen',
    attachmentNote: 'Die Kalenderdatei ist angehängt.',
  },
  fr: {
    greeting: (name) => `Bonjour ${name},`,
    headline: { booked: 'Nouveau rendez-vous', rescheduled: 'Rendez-vous déplacé', cancelled: 'Rendez-vous annulé' },
    with: (service, consumer) => `${service} avec ${consumer}`,
    joinLabel: 'Rejoindre',
    attachmentNote: 'Le fichier de calendrier est joint.',
  },
  es: {
    greeting: (name) => `Hola, ${name}:`,
    headline: { booked: 'Nueva cita', rescheduled: 'Cita cambiada', cancelled: 'Cita cancelada' },
    with: (service, consumer) => `${service} con ${consumer}`,
    joinLabel: 'Unirse',
    attachmentNote: 'El archivo de calendario va adjunto.',
  },
};
