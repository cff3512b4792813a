import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { resolveChatServiceIdentity } from '../../app/chat/chat-service-identity';
import type { ChatPort, EmailPort, IdentityPort, RoomsPort, SmsPort } from '../../app/ports/acs';
import type { SmsOptOutCheck } from '../../app/ports/privacy';
import { AcsSmsOptOutCheck } from './sms-opt-outs';
import type { ServiceIdentityStore } from '../../app/ports/service-identity-store';
import { InvalidSettingsError, type Settings } from '../../config/settings';
import { AcsChatAdapter } from './chat';
import { acsClientConfig, type AcsClientConfig } from './client-options';
import { AcsEmailAdapter, type OnEmailThrottled } from './email';
import { AcsIdentityAdapter } from './identity';
import { AcsRoomsAdapter } from './rooms';
import { AcsSmsAdapter } from './sms';

/** The ACS ports, each built on first use so requests that need no ACS construct nothing. */
export interface AcsAdapters {
  readonly identity: IdentityPort;
  readonly rooms: RoomsPort;
  readonly sms: SmsPort;
  readonly email: EmailPort;
  readonly chat: ChatPort;
  /** ACS's opt-out list of the SMS sender (STOP). */
  readonly smsOptOuts: SmsOptOutCheck;
}

export type AcsSettings = Pick<
  Settings,
  | 'ACS_CONNECTION_STRING'
  | 'ACS_ENDPOINT'
  | 'ACS_CA_CERT_PATH'
  | 'ACS_EMAIL_SENDER'
  | 'ACS_SMS_FROM'
  | 'ACS_CHAT_SERVICE_USER_ID'
  | 'ACS_MAX_RETRIES'
  | 'ACS_RETRY_DELAY_MS'
  | 'ACS_MAX_RETRY_DELAY_MS'
  | 'ACS_EMAIL_POLL_INTERVAL_MS'
  | 'OUTBOUND_TIMEOUT_MS'
  | 'EMAIL_SEND_TIMEOUT_MS'
>;

function required(value: string | undefined, name: string, why: string): string {
  if (!value) throw new InvalidSettingsError([`${name}: required to ${why}`]);
  return value;
}

/**
 * `chatIdentities` keeps the app's chat identity unless ACS_CHAT_SERVICE_USER_ID overrides it.
 * `credential` is used only with ACS_ENDPOINT (Azure): the managed identity by default.
 */
export function createAcsAdapters(
  settings: AcsSettings,
  chatIdentities: ServiceIdentityStore,
  credential: () => TokenCredential = () => new DefaultAzureCredential(),
  observers: { emailThrottled?: OnEmailThrottled } = {},
): AcsAdapters {
  let config: AcsClientConfig | undefined;
  const built = new Map<keyof AcsAdapters, unknown>();
  const lazy =
    <K extends keyof AcsAdapters>(name: K, build: () => AcsAdapters[K]) =>
    (): AcsAdapters[K] => {
      if (!built.has(name)) built.set(name, build());
      return built.get(name) as AcsAdapters[K];
    };
  const shared = () => (config ??= acsClientConfig(settings, credential));
  const identity = lazy('identity', () => new AcsIdentityAdapter(shared()));
  const rooms = lazy('rooms', () => new AcsRoomsAdapter(shared()));
  const sms = lazy('sms', () => new AcsSmsAdapter(shared(), required(settings.ACS_SMS_FROM, 'ACS_SMS_FROM', 'send SMS')));
  const smsOptOuts = lazy(
    'smsOptOuts',
    () => new AcsSmsOptOutCheck(shared(), required(settings.ACS_SMS_FROM, 'ACS_SMS_FROM', 'check SMS opt-outs')),
  );
  const email = lazy(
    'email',
    () =>
      new AcsEmailAdapter(
        shared(),
        required(settings.ACS_EMAIL_SENDER, 'ACS_EMAIL_SENDER', 'send email'),
        settings.ACS_EMAIL_POLL_INTERVAL_MS,
        settings.EMAIL_SEND_TIMEOUT_MS,
        observers.emailThrottled,
      ),
  );
  const chat = lazy('chat', () => {
    const configured = settings.ACS_CHAT_SERVICE_USER_ID;
    const resolve = configured
      ? () => Promise.resolve(configured)
      : () => resolveChatServiceIdentity({ identity: identity(), store: chatIdentities });
    return new AcsChatAdapter(shared(), identity(), resolve);
  });
  return {
    get identity() {
      return identity();
    },
    get rooms() {
      return rooms();
    },
    get sms() {
      return sms();
    },
    get email() {
      return email();
    },
    get chat() {
      return chat();
    },
    get smsOptOuts() {
      return smsOptOuts();
    },
  };
}
