import { CONSUMER_MESSAGE_KINDS, languageOf, TRANSLATIONS, type Texts } from '../../../shared/domain/messages/texts';

const what = 'WHAT';
const when = 'WHEN';

/** Every text of a translation, rendered with placeholders, keyed by where it is used. */
function rendered(texts: Texts): Record<string, string> {
  const out: Record<string, string> = {
    greeting: texts.greeting('NAME'),
    joinLabel: texts.joinLabel,
    manageLabel: texts.manageLabel,
    with: texts.with('SERVICE', 'PROVIDER'),
    signOff: texts.signOff('BUSINESS'),
  };
  for (const kind of CONSUMER_MESSAGE_KINDS) {
    out[`subject.${kind}`] = texts.subject[kind](what);
    out[`lead.${kind}`] = texts.lead[kind](what, when);
    out[`sms.${kind}`] = texts.sms[kind](what, when);
  }
  return out;
}

describe('message texts', () => {
  it('pins the English wording of every message', () => {
    expect(rendered(TRANSLATIONS.en!)).toEqual({
      greeting: 'Hello NAME,',
      joinLabel: 'Join the video visit',
      manageLabel: 'Reschedule or cancel',
      with: 'SERVICE with PROVIDER',
      signOff: 'BUSINESS',
      'subject.confirmation': 'Confirmed: WHAT',
      'subject.reminder': 'Reminder: WHAT',
      'subject.reschedule': 'New time: WHAT',
      'subject.cancellation': 'Cancelled: WHAT',
      'lead.confirmation': 'your appointment WHAT is booked for WHEN.',
      'lead.reminder': 'this is a reminder of your appointment WHAT on WHEN.',
      'lead.reschedule': 'your appointment WHAT has moved to WHEN.',
      'lead.cancellation': 'your appointment WHAT on WHEN has been cancelled.',
      'sms.confirmation': 'Booked: WHAT, WHEN.',
      'sms.reminder': 'Reminder: WHAT, WHEN.',
      'sms.reschedule': 'Moved: WHAT, now WHEN.',
      'sms.cancellation': 'Cancelled: WHAT, WHEN.',
    });
  });

  it('pins the German wording of every message', () => {
    expect(rendered(TRANSLATIONS.de!)).toEqual({
      greeting: 'Hallo NAME,',
      joinLabel: 'Zur Videosprechstunde',
      manageLabel: 'Verschieben oder absagen',
      with: 'SERVICE bei PROVIDER',
      signOff: 'BUSINESS',
      'subject.confirmation': 'Bestätigt: WHAT',
      'subject.reminder': 'Erinnerung: WHAT',
      'subject.reschedule': 'Neuer Termin: WHAT',
      'subject.cancellation': 'Abgesagt: WHAT',
      'lead.confirmation': 'Ihr Termin WHAT ist gebucht für WHEN.',
      'lead.reminder': 'wir erinnern Sie an Ihren Termin WHAT am WHEN.',
      'lead.reschedule': 'Ihr Termin WHAT wurde verschoben auf WHEN.',
      'lead.cancellation': 'Ihr Termin WHAT am WHEN wurde abgesagt.',
      'sms.confirmation': 'Gebucht: WHAT, WHEN.',
      'sms.reminder': 'Erinnerung: WHAT, WHEN.',
      'sms.reschedule': 'Verschoben: WHAT, jetzt WHEN.',
      'sms.cancellation': 'Abgesagt: WHAT, WHEN.',
    });
  });

  it('translates every text of every language: each names what and when, and only the sign-off stays as in English', () => {
    const english = rendered(TRANSLATIONS.en!);
    for (const [language, texts] of Object.entries(TRANSLATIONS)) {
      const own = rendered(texts);
      expect(Object.keys(own).sort()).toEqual(Object.keys(english).sort());
      for (const kind of CONSUMER_MESSAGE_KINDS) {
        expect(own[`subject.${kind}`]).toContain(what);
        expect(own[`lead.${kind}`]).toContain(what);
        expect(own[`lead.${kind}`]).toContain(when);
        expect(own[`sms.${kind}`]).toContain(when);
      }
      for (const [key, text] of Object.entries(own))
        expect({ language, key, blank: text.trim() === '' }).toEqual({ language, key, blank: false });
      if (language === 'en') continue;
      for (const [key, text] of Object.entries(own)) {
        if (key === 'signOff') expect(text).toBe(english[key]);
        else expect({ key, text }).not.toEqual({ key, text: english[key] });
      }
    }
  });

  it('picks the translation by the language part of the tag, case-insensitively, English otherwise', () => {
    expect(languageOf('de')).toBe('de');
    expect(languageOf('de-AT')).toBe('de');
    expect(languageOf('DE-ch')).toBe('de');
    expect(languageOf('en-GB')).toBe('en');
    expect(languageOf('fr-FR')).toBe('fr');
    expect(languageOf('it-IT')).toBe('en');
    expect(languageOf('')).toBe('en');
    expect(languageOf(undefined)).toBe('en');
  });
});
