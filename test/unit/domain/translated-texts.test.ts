import { LOOKUP_TRANSLATIONS } from '../../../shared/domain/messages/lookup-texts';
import { CALENDAR_TEXTS, CHAT_TEXTS } from '../../../shared/domain/messages/notice-texts';
import { OUTLOOK_EVENT_TEXTS, PROVIDER_TEXTS } from '../../../shared/domain/messages/provider-texts';
import { LOCALES } from '../../../shared/domain/messages/texts';

/**
 * Every text table besides the consumer messages (texts.test.ts): each text of each language is there,
 * non-blank, carries what it is given, and is translated. The English wording is pinned as written.
 */
type Table = Readonly<Record<(typeof LOCALES)[number], object>>;
const ARGS = ['ARG1', 'ARG2'];

/** Each text rendered: plain strings as they are, functions called with placeholders, nested records flattened. */
function rendered(texts: object, prefix = ''): Record<string, { text: string; args: string[] }> {
  const out: Record<string, { text: string; args: string[] }> = {};
  for (const [key, value] of Object.entries(texts)) {
    const name = `${prefix}${key}`;
    if (typeof value === 'string') out[name] = { text: value, args: [] };
    else if (typeof value === 'function') {
      const args = ARGS.slice(0, (value as (...a: string[]) => string).length);
      out[name] = { text: String((value as (...a: string[]) => unknown)(...args)), args };
    } else Object.assign(out, rendered(value as object, `${name}.`));
  }
  return out;
}

/** Texts that are the same in every language by design (the business's name, "what, when"). */
const SAME_IN_EVERY_LANGUAGE = new Set(['lookup signOff', 'lookup item']);

const TABLES: Record<string, Table> = {
  provider: PROVIDER_TEXTS,
  outlook: OUTLOOK_EVENT_TEXTS,
  calendar: CALENDAR_TEXTS,
  chat: CHAT_TEXTS,
  lookup: LOOKUP_TRANSLATIONS,
};

describe.each(Object.entries(TABLES))('the %s texts', (table, translations) => {
  const english = rendered(translations.en);

  it.each(LOCALES)('in %s: every text is there, non-blank, carries its arguments, and is translated', (locale) => {
    const own = rendered(translations[locale]);
    expect(Object.keys(own).sort()).toEqual(Object.keys(english).sort());
    for (const [key, { text, args }] of Object.entries(own)) {
      expect({ key, blank: text.trim() === '' }).toEqual({ key, blank: false });
      for (const arg of args) expect({ key, text }).toEqual({ key, text: expect.stringContaining(arg) });
      if (locale !== 'en' && !SAME_IN_EVERY_LANGUAGE.has(`${table} ${key}`)) {
        expect({ key, text }).not.toEqual({ key, text: english[key]!.text });
      }
    }
  });
});

describe('English wording', () => {
  it('pins the provider emails and the Outlook event', () => {
    const provider = PROVIDER_TEXTS.en;
    expect([provider.greeting('Ann'), provider.with('Consultation', 'Bo'), provider.joinLabel, provider.attachmentNote]).toEqual([
      'Hello Ann,',
      'Consultation with Bo',
      'Join',
      'The calendar file is attached.',
    ]);
    expect(provider.headline).toEqual({ booked: 'New appointment', rescheduled: 'Appointment moved', cancelled: 'Appointment cancelled' });
    const outlook = OUTLOOK_EVENT_TEXTS.en;
    expect(outlook.roomsBody('https://x.example/j')).toBe('Booked online. Join: https://x.example/j');
    expect(outlook.teamsBody).toBe('Booked online. Join the Teams meeting from this event; the consumer joins from the business app.');
    expect(outlook.movedAway).toBe('This appointment moved to another provider.');
    expect(outlook.superseded).toBe('This appointment changed while its calendar event was made.');
  });

  it('says why an event was cancelled when there is a reason, and only that it was when there is none, in every language', () => {
    expect(OUTLOOK_EVENT_TEXTS.en.cancelled('ill')).toBe('Cancelled: ill');
    expect(OUTLOOK_EVENT_TEXTS.en.cancelled(undefined)).toBe('Cancelled.');
    for (const locale of LOCALES) {
      const { cancelled } = OUTLOOK_EVENT_TEXTS[locale];
      expect(cancelled('REASON')).toContain('REASON');
      expect(cancelled(undefined)).not.toMatch(/undefined|REASON/);
      expect(cancelled(undefined).trim()).not.toBe('');
      expect(cancelled('REASON').startsWith(cancelled(undefined).replace(/\.$/, ''))).toBe(true);
    }
  });

  it('pins the calendar file, chat and lost-link words', () => {
    expect(CALENDAR_TEXTS.en).toEqual({ joinLabel: 'Join', untitled: 'Appointment' });
    expect([CHAT_TEXTS.en.moved('WHEN'), CHAT_TEXTS.en.cancelled]).toEqual([
      'This appointment has been moved to WHEN.',
      'This appointment has been cancelled.',
    ]);
    const lookup = LOOKUP_TRANSLATIONS.en;
    expect([
      lookup.greeting('Ann'),
      lookup.subject('Clinic'),
      lookup.lead('Clinic'),
      lookup.item('WHAT', 'WHEN'),
      lookup.with('S', 'P'),
      lookup.joinLabel,
      lookup.manageLabel,
      lookup.notice,
      lookup.signOff('Clinic'),
    ]).toEqual([
      'Hello Ann,',
      'Your appointments at Clinic',
      'you asked for the links to your upcoming appointments at Clinic. Here they are:',
      'WHAT, WHEN',
      'S with P',
      'Join the video visit',
      'Reschedule or cancel',
      'If you did not ask for this email, you can ignore it: nothing has changed.',
      'Clinic',
    ]);
  });
});
