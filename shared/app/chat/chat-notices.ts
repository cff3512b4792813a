import { formatWhen } from '../../domain/messages/compose';
import { CHAT_TEXTS } from '../../domain/messages/notice-texts';
import { DEFAULT_LOCALE, type Locale } from '../../domain/messages/texts';
import type { ChatPort } from '../ports/acs';
import type { OutboxMessage } from '../ports/appointment-store';
import { businessLanguage, type BusinessRepository } from '../ports/business-repository';

/** What the app tells both participants in the appointment's chat thread (payload of a `chat.notice`). */
export type ChatNotice =
  { threadId: string; notice: 'rescheduled'; start: number; end: number } | { threadId: string; notice: 'cancelled' };

export interface ChatNoticeDeps {
  chat: ChatPort;
  businesses: BusinessRepository;
}

export const NOTICE_SENDER = 'Appointments';

/**
 * The notice as it reads in the thread. The thread has two readers (consumer and provider), so it is
 * written in what they share: the business's language and zone, the zone named.
 */
export function chatNoticeText(notice: ChatNotice, timeZone: string, language: Locale = DEFAULT_LOCALE): string {
  const texts = CHAT_TEXTS[language];
  if (notice.notice === 'cancelled') return texts.cancelled;
  return texts.moved(formatWhen(notice.start, notice.end, timeZone, language));
}

function parseNotice(payload: Record<string, unknown> | undefined): ChatNotice | undefined {
  if (!payload || typeof payload.threadId !== 'string') return undefined;
  if (payload.notice === 'cancelled') return { threadId: payload.threadId, notice: 'cancelled' };
  if (payload.notice === 'rescheduled' && typeof payload.start === 'number' && typeof payload.end === 'number') {
    return { threadId: payload.threadId, notice: 'rescheduled', start: payload.start, end: payload.end };
  }
  return undefined;
}

export function chatNoticeHandlers(deps: ChatNoticeDeps) {
  return {
    'chat.notice': async (message: OutboxMessage) => {
      const notice = parseNotice(message.payload);
      if (!notice) throw new Error(`chat.notice ${message.id} has no valid payload`);
      const business = await deps.businesses.getBusiness(message.businessId);
      const content = chatNoticeText(notice, business?.value.timeZone ?? 'UTC', businessLanguage(business?.value));
      // Chat has no idempotent send: a redelivered notice is recognised as the app's latest message.
      const serviceUserId = await deps.chat.serviceUserId();
      const ownMessages = (await deps.chat.listMessages(notice.threadId)).filter((m) => m.senderId === serviceUserId);
      if (ownMessages[ownMessages.length - 1]?.content === content) return;
      await deps.chat.sendMessage(notice.threadId, { content, senderDisplayName: NOTICE_SENDER });
    },
  };
}
