import type { Locale } from './texts';

/** The calendar file's words (the event's title is the message's "service with person"). */
export interface CalendarTexts {
  joinLabel: string;
  /** The title when the service and provider are gone. */
  untitled: string;
}

export const CALENDAR_TEXTS: Readonly<Record<Locale, CalendarTexts>> = {
  en: { joinLabel: 'Join', untitled: 'Appointment' },
  de: { joinLabel: 'Teilnehmen', untitled: 'Termin' },
  fr: { joinLabel: 'Rejoindre', untitled: 'Rendez-vous' },
  es: { joinLabel: 'Unirse', untitled: 'Cita' },
};

/** What the app writes in an appointment's chat thread when the appointment changes. */
export interface ChatTexts {
  moved: (when: string) => string;
  cancelled: string;
}

export const CHAT_TEXTS: Readonly<Record<Locale, ChatTexts>> = {
  en: { moved: (when) => `This appointment has been moved to ${when}.`, cancelled: 'This appointment has been cancelled.' },
  de: { moved: (when) => `Dieser Termin wurde verschoben auf ${when}.`, cancelled: 'Dieser Termin wurde abgesagt.' },
  fr: { moved: (when) => `Ce rendez-vous a été déplacé au ${when}.`, cancelled: 'Ce rendez-vous a été annulé.' },
  es: { moved: (when) => `Esta cita se ha trasladado al ${when}.`, cancelled: 'Esta cita ha sido cancelada.' },
};
