import { CONSUMER_MESSAGE_KINDS, LOCALES, languageOf, TRANSLATIONS, type Locale } from '../../../shared/domain/messages/texts';
import { composeConsumerMessage, composeProviderMessage, type MessageFacts } from '../../../shared/domain/messages/compose';
import { PROVIDER_TEXTS } from '../../../shared/domain/messages/provider-texts';
import { CALENDAR_TEXTS, CHAT_TEXTS } from '../../../shared/domain/messages/notice-texts';

// Issue 16: every text a person reads exists in en, de, fr and es. The records are typed over every
// locale (a missing one fails the build); these tests catch a copy left untranslated and check each
// language's own date format.

const start = Date.parse('2030-01-07T13:30:00Z'); // a Monday; 14:30 in Berlin
const facts: MessageFacts = {
  consumerName: 'Ada',
  providerName: 'Dr. Who',
  serviceName: 'Checkup',
  businessName: 'Clinic',
  start,
  end: start + 30 * 60_000,
  timeZone: 'Europe/Berlin',
  links: { join: 'https://app.example/j', manage: 'https://app.example/m' },
};

/** Every string a text record produces, with sample arguments. */
function wordsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [String((value as (...args: string[]) => string)('A', 'B'))];
  if (value && typeof value === 'object') return Object.values(value).flatMap(wordsOf);
  return [];
}

const OTHERS = LOCALES.filter((l) => l !== 'en');

describe('languages', () => {
  it('offers en, de, fr and es', () => {
    expect([...LOCALES]).toEqual(['en', 'de', 'fr', 'es']);
  });

  it.each(OTHERS)('%s: no consumer, provider, calendar or chat text is left in English', (locale) => {
    for (const records of [TRANSLATIONS, PROVIDER_TEXTS, CALENDAR_TEXTS, CHAT_TEXTS] as Array<Record<Locale, unknown>>) {
      const english = wordsOf(records.en);
      const translated = wordsOf(records[locale]);
      expect(translated).toHaveLength(english.length);
      // Only texts made of the arguments alone (the sign-off is the business's name) may read the same.
      const same = translated.filter((text, i) => text === english[i] && !/^[AB]$/.test(text));
      expect(same).toEqual([]);
    }
  });

  it.each([
    ['de', 'Bestätigt: Checkup bei Dr. Who', 'Montag, 7. Januar 2030, 14:30-15:00 (Europe/Berlin)', 'Hallo Ada,'],
    ['fr', 'Confirmé : Checkup avec Dr. Who', 'lundi 7 janvier 2030, 14:30-15:00 (Europe/Berlin)', 'Bonjour Ada,'],
    ['es', 'Confirmada: Checkup con Dr. Who', 'lunes, 7 de enero de 2030, 14:30-15:00 (Europe/Berlin)', 'Hola, Ada:'],
  ] as const)('%s: the consumer confirmation in its words and date format', (locale, subject, when, greeting) => {
    const message = composeConsumerMessage('confirmation', { ...facts, locale });
    expect(message.subject).toBe(subject);
    expect(message.plainText).toContain(when);
    expect(message.plainText.startsWith(greeting)).toBe(true);
    expect(message.sms).toContain(when);
    expect(message.html).toContain(TRANSLATIONS[locale].joinLabel);
  });

  it.each(LOCALES)('%s: every consumer message kind composes with its own subject', (locale) => {
    const messages = CONSUMER_MESSAGE_KINDS.map((kind) => composeConsumerMessage(kind, { ...facts, locale }));
    expect(new Set(messages.map((m) => m.subject)).size).toBe(CONSUMER_MESSAGE_KINDS.length);
    // Two SMS segments at most, link included, in every language.
    for (const message of messages) expect(message.sms.length).toBeLessThan(320);
  });

  it("uses the business's default language when the consumer named none or one the app does not speak", () => {
    expect(composeConsumerMessage('reminder', { ...facts, defaultLocale: 'fr' }).subject).toBe('Rappel : Checkup avec Dr. Who');
    expect(composeConsumerMessage('reminder', { ...facts, locale: 'it-IT', defaultLocale: 'es' }).subject).toBe(
      'Recordatorio: Checkup con Dr. Who',
    );
    expect(composeConsumerMessage('reminder', { ...facts, locale: 'de-CH', defaultLocale: 'es' }).subject).toBe(
      'Erinnerung: Checkup bei Dr. Who',
    );
    expect(composeConsumerMessage('reminder', facts).subject).toBe('Reminder: Checkup with Dr. Who');
    expect(languageOf(undefined, 'de')).toBe('de');
    expect(languageOf('ES-mx', 'de')).toBe('es');
  });

  it.each([
    [
      'de',
      'Neuer Termin: Checkup, Montag, 7. Januar 2030, 22:30-23:00 (Asia/Tokyo)',
      'Teilnehmen: https://app.example/pj',
      'Die Kalenderdatei ist angehängt.',
    ],
    [
      'fr',
      'Nouveau rendez-vous: Checkup, lundi 7 janvier 2030, 22:30-23:00 (Asia/Tokyo)',
      'Rejoindre: https://app.example/pj',
      'Le fichier de calendrier est joint.',
    ],
    [
      'es',
      'Nueva cita: Checkup, lunes, 7 de enero de 2030, 22:30-23:00 (Asia/Tokyo)',
      'Unirse: https://app.example/pj',
      'El archivo de calendario va adjunto.',
    ],
  ] as const)("%s: the provider's email in the provider's language and zone", (locale, subject, join, note) => {
    const provider = {
      providerName: 'Dr. Who',
      consumerName: 'Ada',
      serviceName: 'Checkup',
      start,
      end: start + 30 * 60_000,
      timeZone: 'Asia/Tokyo',
      joinUrl: 'https://app.example/pj',
      locale,
    };
    const booked = composeProviderMessage('booked', provider);
    expect(booked.subject).toBe(subject);
    expect(booked.plainText).toContain(join);
    expect(booked.plainText).toContain(note);
    expect(composeProviderMessage('cancelled', provider).plainText).not.toContain('https://app.example/pj');
  });
});
