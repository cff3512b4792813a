import type { JoinResult, TeamsConsumerJoin, TeamsProviderJoin } from '../../../app/join/join-appointment';
import { AppointmentParams } from './appointments';
import { formatInstant, instant } from './common';
import { jsonContent, problems, ProblemSchema, registry, z } from './registry';

export const JoinSchema = registry.register(
  'JoinResult',
  z
    .object({
      acsUserId: z
        .string()
        .openapi({ description: "The participant's ACS identity (one per provider; one per appointment for the consumer)." }),
      token: z.string().openapi({
        description:
          'ACS access token with the scopes voip and chat; lives for the rest of the visit (60-1440 minutes): join again for a fresh one.',
      }),
      expiresOn: instant,
      roomId: z.string(),
      role: z.enum(['Presenter', 'Attendee']).openapi({ description: 'Consumer: Attendee; provider: Presenter.' }),
      endpoint: z.string().url().openapi({ description: 'The ACS endpoint the calling and chat SDKs connect to.' }),
      chatThreadId: z
        .string()
        .openapi({ description: "The appointment's chat thread (consumer, provider and the app, which posts notices)." }),
    })
    .openapi({ description: 'What a calling / chat client needs to enter the visit.' }),
);

const teamsMeetingLink = z
  .string()
  .url()
  .openapi({ description: "The Teams meeting's join URL (the event in the provider's Outlook calendar)." });

export const TeamsConsumerJoinSchema = registry.register(
  'TeamsConsumerJoinResult',
  z
    .object({
      meetingMode: z.literal('teams'),
      teamsMeetingLink,
      acsUserId: z.string().openapi({ description: "The consumer's ACS identity for this appointment." }),
      token: z.string().openapi({
        description: 'ACS access token with the scope voip: the calling SDK joins the Teams meeting by its link (Teams interoperability).',
      }),
      expiresOn: instant,
      endpoint: z.string().url().openapi({ description: 'The ACS endpoint the calling SDK connects to.' }),
    })
    .openapi({
      description:
        "Teams mode, the consumer: what the business's app needs to join the Teams meeting (no ACS room or chat thread: the meeting's own chat is the conversation).",
    }),
);

export const TeamsProviderJoinSchema = registry.register(
  'TeamsProviderJoinResult',
  z.object({ meetingMode: z.literal('teams'), teamsMeetingLink }).openapi({ description: 'Teams mode, the provider: they join in Teams.' }),
);

const JoinWindowClosedProblem = registry.register(
  'JoinWindowClosedProblem',
  ProblemSchema.extend({ opensAt: instant, closedAt: instant }).openapi({
    description: 'join-window-closed: the visit can be joined from opensAt (start - joinWindowMinutes) until closedAt (the end).',
  }),
);

/** Optional body of the join POST: nothing is read from it. */
export const JoinBody = z.object({});

export function joinView(
  result: JoinResult | TeamsConsumerJoin | TeamsProviderJoin,
): z.infer<typeof JoinSchema> | z.infer<typeof TeamsConsumerJoinSchema> | z.infer<typeof TeamsProviderJoinSchema> {
  return 'expiresOn' in result ? { ...result, expiresOn: formatInstant(result.expiresOn) } : result;
}

registry.registerPath({
  method: 'post',
  path: '/appointments/{appointmentId}/join',
  tags: ['Consumer', 'Provider'],
  summary: 'Enter the video visit (the consumer with the manage token, the provider with a staff token); managers cannot join',
  security: [{ appointmentToken: [] }, { appointmentTokenQuery: [] }, { staffBearer: [] }],
  request: { params: AppointmentParams },
  responses: {
    200: {
      description:
        'ACS Rooms mode: room, identity, token and chat thread. Teams mode (meetingMode teams): the consumer gets the Teams meeting link, an identity and a calling token; the provider the link',
      ...jsonContent(z.union([JoinSchema, TeamsConsumerJoinSchema, TeamsProviderJoinSchema])),
    },
    ...problems(400, 401, 403, 404),
    409: {
      description: 'join-window-closed (with opensAt / closedAt) outside the join window; invalid-state when the appointment is not booked',
      content: { 'application/problem+json': { schema: JoinWindowClosedProblem } },
    },
    503: {
      description:
        'unavailable, with Retry-After: the chat thread (normally made ahead of the join) could not be created because ACS throttled it; in Teams mode, the Teams meeting is not made yet (Microsoft Graph was unreachable since the booking)',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});
