import { composeConsumerMessage, composeProviderMessage, type MessageFacts } from '../../../shared/domain/messages/compose';

// The layout of every message form (lines, paragraphs, links), which mutation testing found unpinned.
const start = Date.parse('2030-01-07T13:30:00Z');
const join = 'https://app.example/join/a1?token=t';
const manage = 'https://app.example/manage/a1?token=t';
const facts: MessageFacts = {
  consumerName: 'Ada',
  providerName: 'Dr. Who',
  serviceName: 'Checkup',
  businessName: 'Clinic',
  start,
  end: start + 30 * 60_000,
  timeZone: 'Europe/Berlin',
  locale: 'en',
  links: { join, manage },
};
const any = expect.stringMatching(/\S/);

describe('consumer message layout', () => {
  it('writes greeting, lead, the join and manage links and the sign-off as separate paragraphs', () => {
    const message = composeConsumerMessage('confirmation', facts);
    expect(message.plainText.split('\n')).toEqual([
      expect.stringContaining('Ada'),
      '',
      expect.stringContaining('Checkup with Dr. Who'),
      '',
      expect.stringMatching(new RegExp(`: ${join.replace(/[?]/g, '\\?')}$`)),
      expect.stringMatching(new RegExp(`: ${manage.replace(/[?]/g, '\\?')}$`)),
      '',
      expect.stringContaining('Clinic'),
    ]);
    expect(message.html.split('\n')).toEqual([
      expect.stringMatching(/^<p>.*Ada.*<\/p>$/),
      expect.stringMatching(/^<p>.*Checkup with Dr\. Who.*<\/p>$/),
      expect.stringMatching(new RegExp(`^<p><a href="${join.replace(/[?]/g, '\\?')}">.+</a></p>$`)),
      expect.stringMatching(new RegExp(`^<p><a href="${manage.replace(/[?]/g, '\\?')}">.+</a></p>$`)),
      expect.stringMatching(/^<p>.*Clinic.*<\/p>$/),
    ]);
    // The SMS: its text, one space, the join link.
    expect(message.sms.endsWith(`. ${join}`) || message.sms.endsWith(`) ${join}`)).toBe(true);
    expect(message.sms).not.toContain('  ');
  });

  it('leaves the links out of a cancellation in every form', () => {
    const message = composeConsumerMessage('cancellation', facts);
    expect(message.plainText.split('\n')).toEqual([any, '', any, '', expect.stringContaining('Clinic')]);
    expect(message.html.split('\n')).toHaveLength(3);
    expect(message.html).not.toContain('href');
    expect(message.sms).not.toContain('http');
    expect(message.sms).not.toMatch(/\s$/);
  });
});

describe('provider message layout', () => {
  it('writes greeting, lead, join link and the attachment note; a cancellation has no join link', () => {
    const booked = composeProviderMessage('booked', {
      providerName: 'Dr. Who',
      consumerName: 'Ada',
      serviceName: 'Checkup',
      start,
      end: start + 30 * 60_000,
      timeZone: 'Europe/Berlin',
      joinUrl: join,
    });
    expect(booked.subject).toMatch(/^New appointment: Checkup, Monday, January 7, 2030, 2:30\sPM-3:00\sPM \(Europe\/Berlin\)$/u);
    expect(booked.plainText.split('\n')).toEqual([
      'Hello Dr. Who,',
      '',
      expect.stringMatching(/^New appointment: Checkup with Ada, Monday, January 7, 2030, .+\(Europe\/Berlin\)\.$/u),
      `Join: ${join}`,
      '',
      'The calendar file is attached.',
    ]);
    expect(booked.html.split('\n')).toEqual([
      '<p>Hello Dr. Who,</p>',
      expect.stringMatching(/^<p>New appointment: Checkup with Ada, .+\.<\/p>$/),
      `<p><a href="${join}">Join</a></p>`,
      '<p>The calendar file is attached.</p>',
    ]);
    const cancelled = composeProviderMessage('cancelled', {
      providerName: 'Dr. Who',
      consumerName: 'Ada',
      serviceName: 'Checkup',
      start,
      end: start + 30 * 60_000,
      timeZone: 'Europe/Berlin',
      joinUrl: join,
    });
    expect(cancelled.plainText.split('\n')).toEqual([
      'Hello Dr. Who,',
      '',
      expect.stringMatching(/^Appointment cancelled: Checkup with Ada, .+\.$/),
      '',
      'The calendar file is attached.',
    ]);
    expect(cancelled.html).not.toContain('href');
  });
});
