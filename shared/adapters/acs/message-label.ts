import { MESSAGE_KINDS, type MessageKind, type MessageLabel } from '../../app/ports/acs';

/**
 * How a message carries its appointment id and kind through ACS, so tooling (the local stack's
 * /dev/messages, delivery reports in Azure) can tell messages apart: the SMS `tag` and custom email
 * headers. Pure, shared by the adapters and the ACS emulator.
 */
export const APPOINTMENT_ID_HEADER = 'X-Appointment-Id';
export const MESSAGE_KIND_HEADER = 'X-Message-Kind';

export function isMessageKind(value: unknown): value is MessageKind {
  return typeof value === 'string' && (MESSAGE_KINDS as readonly string[]).includes(value);
}

/** `<kind>:<appointmentId>`; appointment ids never contain a colon (docs/api.md id pattern). */
export function encodeSmsTag(label: MessageLabel): string {
  return `${label.kind}:${label.appointmentId}`;
}

export function decodeSmsTag(tag: string | undefined): Partial<MessageLabel> {
  const match = /^([a-z]+):(.+)$/.exec(tag ?? '');
  if (!match) return {};
  return { kind: isMessageKind(match[1]) ? match[1] : 'other', appointmentId: match[2] };
}

export function labelHeaders(label: MessageLabel): Record<string, string> {
  return { [APPOINTMENT_ID_HEADER]: label.appointmentId, [MESSAGE_KIND_HEADER]: label.kind };
}

/** Reads the label back from email headers (names compared case-insensitively, as in HTTP). */
export function labelFromHeaders(headers: Record<string, string>): Partial<MessageLabel> {
  const find = (name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const kind = find(MESSAGE_KIND_HEADER);
  const appointmentId = find(APPOINTMENT_ID_HEADER);
  return {
    ...(kind !== undefined ? { kind: isMessageKind(kind) ? kind : 'other' } : {}),
    ...(appointmentId !== undefined ? { appointmentId } : {}),
  };
}
