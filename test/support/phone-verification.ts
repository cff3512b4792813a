/**
 * Consumers get SMS only for a phone verified with a code (issue 12). Tests that expect SMS verify the
 * number the way a front end does: request a code, read it from the SMS, book with it.
 */
export interface CodeMessage {
  channel: string;
  kind: string;
  body: string;
}

/** The 6-digit code of the newest verification SMS among `messages`. */
export function verificationCodeIn(messages: readonly CodeMessage[]): string {
  const sms = [...messages].reverse().find((m) => m.channel === 'sms' && m.kind === 'other' && /\b\d{6}\b/.test(m.body));
  if (!sms) throw new Error('no verification SMS was sent');
  return /\b(\d{6})\b/.exec(sms.body)![1]!;
}

/** Messages about appointments only (verification codes carry no appointment label). */
export function appointmentMessages<T extends { kind: string }>(messages: readonly T[]): T[] {
  return messages.filter((m) => m.kind !== 'other');
}
