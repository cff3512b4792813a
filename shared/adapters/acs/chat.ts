import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { AcsError, type ChatMessage, type ChatParticipant, type ChatPort, type IdentityPort } from '../../app/ports/acs';
import { guidFromKey, type AcsClientConfig } from './client-options';
import { callAcs } from './errors';

// Chat notices are posted by the app's identity with a day-long token.
const SERVICE_TOKEN_MINUTES = 1440;

const participant = (p: ChatParticipant) => ({
  id: { communicationUserId: p.userId },
  ...(p.displayName ? { displayName: p.displayName } : {}),
});

/**
 * ACS Chat as the app's own identity, which `resolveUserId` finds once per process (ACS_CHAT_SERVICE_USER_ID,
 * or the identity stored for the whole deployment: see resolveChatServiceIdentity).
 */
export class AcsChatAdapter implements ChatPort {
  private userId?: Promise<string>;
  private client?: ChatClient;

  constructor(
    private readonly config: AcsClientConfig,
    private readonly identity: IdentityPort,
    private readonly resolveUserId: () => Promise<string>,
  ) {}

  serviceUserId(): Promise<string> {
    this.userId ??= this.resolveUserId();
    // A failed resolution must not stick: the next call tries again.
    this.userId.catch(() => (this.userId = undefined));
    return this.userId;
  }

  private chat(): ChatClient {
    this.client ??= new ChatClient(
      this.config.endpoint,
      new AzureCommunicationTokenCredential({
        // Refreshed on demand when near expiry; a proactive refresh would hold a timer open in the process.
        tokenRefresher: async () => (await this.identity.issueToken(await this.serviceUserId(), ['chat'], SERVICE_TOKEN_MINUTES)).token,
      }),
      this.config.clientOptions,
    );
    return this.client;
  }

  async createThread(input: { topic: string; participants: ChatParticipant[]; idempotencyKey?: string }): Promise<{ threadId: string }> {
    await this.serviceUserId();
    const result = await callAcs('chat', 'createThread', this.config.retry, () =>
      this.chat().createChatThread(
        { topic: input.topic },
        {
          participants: input.participants.map(participant),
          ...(input.idempotencyKey ? { idempotencyToken: guidFromKey(input.idempotencyKey) } : {}),
        },
      ),
    );
    const invalid = result.invalidParticipants ?? [];
    if (!result.chatThread || invalid.length > 0) {
      throw new AcsError(
        'chat',
        'createThread',
        undefined,
        'InvalidParticipants',
        `ACS chat createThread rejected ${invalid.length} participant(s): ${invalid.map((e) => e.message).join('; ')}`,
        false,
      );
    }
    return { threadId: result.chatThread.id };
  }

  async addParticipants(threadId: string, participants: ChatParticipant[]): Promise<void> {
    const result = await callAcs('chat', 'addParticipants', this.config.retry, () =>
      this.chat()
        .getChatThreadClient(threadId)
        .addParticipants({ participants: participants.map(participant) }),
    );
    if (result.invalidParticipants?.length) {
      const messages = result.invalidParticipants.map((e) => e.message).join('; ');
      throw new AcsError(
        'chat',
        'addParticipants',
        undefined,
        'InvalidParticipants',
        `ACS chat addParticipants rejected: ${messages}`,
        false,
      );
    }
  }

  async removeParticipant(threadId: string, userId: string): Promise<void> {
    await callAcs('chat', 'removeParticipant', this.config.retry, () =>
      this.chat().getChatThreadClient(threadId).removeParticipant({ communicationUserId: userId }),
    );
  }

  async sendMessage(threadId: string, input: { content: string; senderDisplayName?: string }): Promise<{ messageId: string }> {
    const result = await callAcs('chat', 'sendMessage', this.config.retry, () =>
      this.chat()
        .getChatThreadClient(threadId)
        .sendMessage({ content: input.content }, input.senderDisplayName ? { senderDisplayName: input.senderDisplayName } : {}),
    );
    return { messageId: result.id };
  }

  async deleteThread(threadId: string): Promise<void> {
    try {
      await callAcs('chat', 'deleteThread', this.config.retry, () => this.chat().deleteChatThread(threadId));
    } catch (error) {
      // Gone already, or the app's identity is no longer in it (403): nothing left for the app to delete.
      if (error instanceof AcsError && (error.status === 404 || error.status === 403)) return;
      throw error;
    }
  }

  async listMessages(threadId: string): Promise<ChatMessage[]> {
    return callAcs('chat', 'listMessages', this.config.retry, async () => {
      const messages: ChatMessage[] = [];
      for await (const message of this.chat().getChatThreadClient(threadId).listMessages()) {
        if (message.type !== 'text' && message.type !== 'html') continue;
        const sender = message.sender as { communicationUserId?: string } | undefined;
        messages.push({
          id: message.id,
          type: message.type,
          content: message.content?.message ?? '',
          ...(sender?.communicationUserId ? { senderId: sender.communicationUserId } : {}),
          ...(message.senderDisplayName ? { senderDisplayName: message.senderDisplayName } : {}),
          createdOn: message.createdOn.getTime(),
        });
      }
      // The service lists newest first.
      return messages.reverse();
    });
  }
}
