import { businessLanguage, type BusinessRecord } from '../../../app/ports/business-repository';
import { DEFAULT_LOCALE, LOCALES } from '../../../domain/messages/texts';
import { displayText, email, formatInstant, instant, objectId, resourceId, timeZone } from './common';
import { jsonBody, jsonContent, problems, registry, STAFF, z } from './registry';

export const BusinessParams = z.object({ businessId: resourceId });

export const BusinessBody = registry.register(
  'BusinessInput',
  z.object({
    name: displayText,
    timeZone,
    managers: z
      .array(objectId)
      .max(100, 'at most 100 managers')
      .openapi({ description: 'Object ids (`oid`) of the people who configure the business.' }),
    contactEmail: email.optional(),
    defaultLocale: z.enum(LOCALES).default(DEFAULT_LOCALE).openapi({
      description:
        'The language of messages, calendar files and chat notices for consumers who named no locale (or one the app does not speak).',
    }),
    meetingMode: z.enum(['acsRooms', 'teams']).optional().openapi({
      description:
        "acsRooms (default): the visit is an ACS room in the business's app. teams: a Teams meeting in the provider's Outlook calendar; the provider joins in Teams, the consumer from the business's app through ACS Teams interop (providers need an Entra object id as staffObjectId).",
    }),
    outlookCalendarSync: z.boolean().optional().openapi({
      description:
        "Every booked appointment also becomes an event in its provider's Outlook calendar (default false; always so in Teams mode).",
    }),
  }),
);

export const BusinessSchema = registry.register(
  'Business',
  z.object({
    id: resourceId,
    name: z.string(),
    timeZone: z.string(),
    managers: z.array(z.string()),
    contactEmail: z.string().optional(),
    defaultLocale: z.enum(LOCALES),
    meetingMode: z.enum(['acsRooms', 'teams']),
    outlookCalendarSync: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  }),
);

export function businessView(business: BusinessRecord): z.infer<typeof BusinessSchema> {
  return {
    id: business.id,
    name: business.name,
    timeZone: business.timeZone,
    managers: business.managers,
    ...(business.contactEmail ? { contactEmail: business.contactEmail } : {}),
    defaultLocale: businessLanguage(business),
    meetingMode: business.meetingMode ?? 'acsRooms',
    outlookCalendarSync: business.outlookCalendarSync ?? false,
    createdAt: formatInstant(business.createdAt),
    updatedAt: formatInstant(business.updatedAt),
  };
}

registry.registerPath({
  method: 'put',
  path: '/businesses/{businessId}',
  tags: ['Office manager'],
  summary: 'Create (Scheduling.Admin) or replace (a manager) a business',
  security: STAFF,
  request: { params: BusinessParams, body: jsonBody(BusinessBody) },
  responses: {
    200: { description: 'Replaced', ...jsonContent(BusinessSchema) },
    201: { description: 'Created', ...jsonContent(BusinessSchema) },
    ...problems(400, 401, 403, 413, 415),
  },
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}',
  tags: ['Office manager'],
  summary: 'Read a business (its managers and admins)',
  security: STAFF,
  request: { params: BusinessParams },
  responses: { 200: { description: 'The business', ...jsonContent(BusinessSchema) }, ...problems(400, 401, 403, 404) },
});
