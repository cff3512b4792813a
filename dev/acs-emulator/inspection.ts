import { decodeSmsTag, labelFromHeaders } from '../../shared/adapters/acs/message-label';
import type { MessageKind } from '../../shared/app/ports/acs';
import type { EmulatorState, RoomRecord } from './state';

/** One message as the local stack's `GET /api/dev/messages` describes it (docs/api.md). */
export interface SentMessage {
  channel: 'email' | 'sms';
  kind: MessageKind;
  to: string;
  subject?: string;
  body: string;
  sentAt: string;
  appointmentId: string | null;
}

function phoneKey(value: string): string {
  return value.replace(/[^\d+]/g, '');
}

/** Messages accepted for a recipient (email compared case-insensitively, phones by digits), oldest first. */
export function sentMessages(state: EmulatorState, to?: string): SentMessage[] {
  const messages: Array<SentMessage & { at: number }> = [];
  for (const sms of state.sms) {
    if (!sms.successful || sms.blockedByOptOut) continue;
    if (to !== undefined && phoneKey(sms.to) !== phoneKey(to)) continue;
    const label = decodeSmsTag(sms.tag);
    messages.push({
      channel: 'sms',
      kind: label.kind ?? 'other',
      to: sms.to,
      body: sms.message,
      sentAt: new Date(sms.sentAt).toISOString(),
      appointmentId: label.appointmentId ?? null,
      at: sms.sentAt,
    });
  }
  for (const email of state.emails.values()) {
    if (email.outcome.status === 'Failed') continue;
    const label = labelFromHeaders(email.headers);
    for (const address of [...email.to, ...email.cc, ...email.bcc]) {
      if (to !== undefined && address.toLowerCase() !== to.toLowerCase()) continue;
      messages.push({
        channel: 'email',
        kind: label.kind ?? 'other',
        to: address,
        subject: email.subject,
        body: email.plainText ?? email.html ?? '',
        sentAt: new Date(email.sentAt).toISOString(),
        appointmentId: label.appointmentId ?? null,
        at: email.sentAt,
      });
    }
  }
  return messages.sort((a, b) => a.at - b.at).map(({ at: _at, ...message }) => message);
}

function roomView(room: RoomRecord) {
  return {
    id: room.id,
    createdAt: new Date(room.createdAt).toISOString(),
    validFrom: new Date(room.validFrom).toISOString(),
    validUntil: new Date(room.validUntil).toISOString(),
    participants: [...room.participants].map(([userId, role]) => ({ userId, role })),
  };
}

/** The admin API's views of the emulator's memory. */
export const views = {
  identities: (state: EmulatorState) =>
    [...state.identities.values()].map((i) => ({
      id: i.id,
      createdAt: new Date(i.createdAt).toISOString(),
      deleted: i.deleted,
      tokensIssued: i.tokensIssued,
      tokensRevoked: i.tokenGeneration > 0,
      // Revoked tokens keep working until then (revocationDelayMs after the revoke).
      revocationEffectiveAt:
        i.revokedAt.length > 0 ? new Date(i.revokedAt[i.revokedAt.length - 1]! + state.resource.revocationDelayMs).toISOString() : null,
    })),
  rooms: (state: EmulatorState) => [...state.rooms.values()].map(roomView),
  sms: (state: EmulatorState) =>
    state.sms.map((s) => ({
      messageId: s.messageId,
      from: s.from,
      to: s.to,
      message: s.message,
      tag: s.tag ?? null,
      enableDeliveryReport: s.enableDeliveryReport,
      successful: s.successful,
      httpStatusCode: s.httpStatusCode,
      sentAt: new Date(s.sentAt).toISOString(),
      // What the delivery report would say.
      deliveryStatus: !s.successful ? null : s.blockedByOptOut ? 'Failed' : 'Delivered',
      ...(s.blockedByOptOut ? { deliveryStatusDetails: 'Sender blocked for given recipient.' } : {}),
    })),
  emails: (state: EmulatorState) =>
    [...state.emails.values()].map((e) => ({
      operationId: e.operationId,
      senderAddress: e.senderAddress,
      to: e.to,
      cc: e.cc,
      bcc: e.bcc,
      subject: e.subject,
      plainText: e.plainText ?? null,
      html: e.html ?? null,
      headers: e.headers,
      attachments: e.attachments,
      status: e.runningPolls > 0 ? 'Running' : e.outcome.status,
      sentAt: new Date(e.sentAt).toISOString(),
    })),
  chatThreads: (state: EmulatorState) =>
    [...state.threads.values()].map((t) => ({
      id: t.id,
      topic: t.topic,
      createdBy: t.createdBy,
      participants: [...t.participants].map(([userId, p]) => ({ userId, displayName: p.displayName ?? null })),
      messages: t.messages.map((m) => ({
        id: m.id,
        type: m.type,
        content: m.content,
        senderId: m.senderId ?? null,
        createdOn: new Date(m.createdOn).toISOString(),
      })),
    })),
};
