import type { EmailPort, SmsPort } from '../ports/acs';
import type { AppointmentStore } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import type { Clock } from '../ports/clock';
import type { EventPublisher } from '../ports/events';
import type { NotificationStore } from '../ports/notification-store';
import type { RoomDeps } from '../rooms/appointment-room';
import type { MessageCaps } from './message-caps';
import type { SmsChannel } from './sms-channel';
import type { SmsOptOutCheck, SmsOptOutStore } from '../ports/privacy';

/** Links in messages: the consumer's carry the manage token (`?token=`); the provider signs in instead. */
export interface MessageLinks {
  consumer(appointmentId: string, manageToken: string | undefined): { join: string; manage: string };
  providerJoin(appointmentId: string): string;
}

/** Structured log lines (the adapters' Logger fits); fields never hold addresses, names or tokens. */
export interface LifecycleLog {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
}

/** What the lifecycle's activities need. */
export interface LifecycleDeps {
  appointments: AppointmentStore;
  businesses: BusinessRepository;
  notifications: NotificationStore;
  email: EmailPort;
  sms: SmsPort;
  /** Whether SMS can reach a consumer; absent = always (tests that do not exercise the policy). */
  smsChannel?: SmsChannel;
  rooms: RoomDeps;
  clock: Clock;
  links: MessageLinks;
  log: LifecycleLog;
  /** Join-window events; reminder and completion events go through the outbox with their commit. */
  events: EventPublisher;
  /** Sending caps for consumer messages (docs/security.md); absent = no caps. */
  caps?: MessageCaps;
  /** Numbers that opted out (STOP): recorded per business, learnt from ACS's opt-out list; absent = not checked. */
  optOuts?: { store: SmsOptOutStore; acs: SmsOptOutCheck };
}
