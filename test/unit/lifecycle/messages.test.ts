import { composeConsumerMessage, composeProviderMessage, type MessageFacts } from '../../../shared/domain/messages/compose';
import { languageOf } from '../../../shared/domain/messages/texts';

const start = Date.parse('2030-01-07T13:30:00Z'); // a Monday; 14:30 in Berlin, 08:30 in New York
const facts: MessageFacts = {
  consumerName: 'Ada <Lovelace>',
  providerName: 'Dr. Who',
  serviceName: 'Checkup',
  businessName: 'Clinic & Co',
  start,
  end: start + 30 * 60_000,
  timeZone: 'Europe/Berlin',
  links: {
    join: 'https://app.example/api/appointments/a1/join?token=t%2B1',
    manage: 'https://app.example/api/appointments/a1?token=t%2B1',
  },
};

describe('consumer messages', () => {
  it('shows the time in the consumer zone, names the provider and service, and links with the token', () => {
    const message = composeConsumerMessage('confirmation', { ...facts, locale: 'en' });
    expect(message.subject).toBe('Confirmed: Checkup with Dr. Who');
    expect(message.plainText).toMatch(/Monday, January 7, 2030, 2:30\sPM-3:00\sPM \(Europe\/Berlin\)/u);
    expect(message.plainText).toContain(facts.links.join);
    expect(message.plainText).toContain(facts.links.manage);
    expect(message.sms).toContain(facts.links.join);
    expect(message.sms.length).toBeLessThan(320);
  });

  it('speaks German for de and de-AT, with local formats', () => {
    const message = composeConsumerMessage('reminder', { ...facts, locale: 'de-DE' });
    expect(message.subject).toBe('Erinnerung: Checkup bei Dr. Who');
    expect(message.plainText).toContain('Montag, 7. Januar 2030, 14:30-15:00 (Europe/Berlin)');
    expect(composeConsumerMessage('reminder', { ...facts, locale: 'de-AT' }).plainText).toContain('Montag, 7. Jänner 2030');
    expect(languageOf('it-IT')).toBe('en');
    expect(languageOf('fr-FR')).toBe('fr');
  });

  it('falls back to English for a language without translation, formats included', () => {
    const message = composeConsumerMessage('reschedule', { ...facts, locale: 'it', timeZone: 'America/New_York' });
    expect(message.subject).toBe('New time: Checkup with Dr. Who');
    expect(message.plainText).toMatch(/8:30\sAM-9:00\sAM \(America\/New_York\)/u);
  });

  it('escapes names in HTML and keeps them as typed in plain text', () => {
    const message = composeConsumerMessage('confirmation', facts);
    expect(message.html).toContain('Hello Ada &lt;Lovelace&gt;,');
    expect(message.html).toContain('Clinic &amp; Co');
    expect(message.html).toContain('href="https://app.example/api/appointments/a1/join?token=t%2B1"');
    expect(message.plainText).toContain('Hello Ada <Lovelace>,');
  });

  it('offers no join link once cancelled', () => {
    const message = composeConsumerMessage('cancellation', facts);
    expect(message.subject).toBe('Cancelled: Checkup with Dr. Who');
    expect(message.plainText).not.toContain('/join');
    expect(message.sms).not.toContain('http');
  });
});

describe('provider messages', () => {
  it('tells the provider in the provider zone, with the join link unless cancelled', () => {
    const provider = {
      providerName: 'Dr. Who',
      consumerName: 'Ada',
      serviceName: 'Checkup',
      start,
      end: start + 30 * 60_000,
      timeZone: 'Asia/Tokyo',
      joinUrl: 'https://app.example/j',
    };
    const booked = composeProviderMessage('booked', provider);
    expect(booked.subject).toMatch(/^New appointment: Checkup, Monday, January 7, 2030, 10:30\sPM-11:00\sPM \(Asia\/Tokyo\)$/u);
    expect(booked.plainText).toContain('Join: https://app.example/j');
    expect(composeProviderMessage('cancelled', provider).plainText).not.toContain('https://app.example/j');
  });
});
