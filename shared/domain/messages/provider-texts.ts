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

/** The event in the provider's Outlook calendar (Teams mode or calendar sync), in the provider's language. */
export interface OutlookEventTexts {
  /** Teams mode: the provider joins from the event itself. */
  teamsBody: string;
  /** ACS Rooms mode: the event points to the business's app. */
  roomsBody: (joinLink: string) => string;
  /** The comment of the cancellation when the appointment went to another provider. */
  movedAway: string;
  /** The comment when an event made late is withdrawn because the appointment changed meanwhile. */
  superseded: string;
  cancelled: (reason: string | undefined) => string;
}

export const OUTLOOK_EVENT_TEXTS: Readonly<Record<Locale, OutlookEventTexts>> = {
  en: {
    teamsBody: 'Booked online. Join the Teams meeting from this event; the consumer joins from the business app.',
    roomsBody: (link) => `Booked online. Join: ${link}`,
    movedAway: 'This appointment moved to another provider.',
    superseded: 'This appointment changed while its calendar event was made.',
    cancelled: (reason) => (reason ? `Cancelled: ${reason}` : 'Cancelled.'),
  },
  de: {
    teamsBody:
      'Online gebucht. Nehmen Sie über diesen Termin an der Teams-Besprechung teil; der Kunde nimmt über die App des Unternehmens teil.',
    roomsBody: (link) => `Online gebucht. Teilnehmen: ${link}`,
    movedAway: 'Dieser Termin wurde an eine andere Fachperson übergeben.',
    superseded: 'Dieser Termin hat sich geändert, während sein Kalendereintrag erstellt wurde.',
    cancelled: (reason) => (reason ? `Abgesagt: ${reason}` : 'Abgesagt.'),
  },
  fr: {
    teamsBody:
      "Réservé en ligne. Rejoignez la réunion Teams depuis cet événement ; le client la rejoint depuis l'application de l'entreprise.",
    roomsBody: (link) => `Réservé en ligne. Rejoindre : ${link}`,
    movedAway: 'Ce rendez-vous a été confié à un autre intervenant.',
    superseded: "Ce rendez-vous a changé pendant la création de son événement d'agenda.",
    cancelled: (reason) => (reason ? `Annulé : ${reason}` : 'Annulé.'),
  },
  es: {
    teamsBody: 'Reservado en línea. Únase a la reunión de Teams desde este evento; el cliente se une desde la aplicación de la empresa.',
    roomsBody: (link) => `Reservado en línea. Unirse: ${link}`,
    movedAway: 'Esta cita pasó a otro profesional.',
    superseded: 'Esta cita cambió mientras se creaba su evento de calendario.',
    cancelled: (reason) => (reason ? `Cancelada: ${reason}` : 'Cancelada.'),
  },
};
