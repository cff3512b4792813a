import type { ProviderRecord } from '../../../app/ports/business-repository';
import { LOCALES } from '../../../domain/messages/texts';
import { displayText, email, formatInstant, instant, objectId, phone, resourceId, timeZone } from './common';
import { BusinessParams } from './businesses';
import { jsonBody, jsonContent, OPTIONAL_STAFF, problems, registry, STAFF, z } from './registry';

export const ProviderParams = z.object({ businessId: resourceId, providerId: resourceId });

export const ProviderBody = registry.register(
  'ProviderInput',
  z.object({
    displayName: displayText,
    email,
    phone: phone.optional(),
    timeZone,
    staffObjectId: objectId.openapi({
      description:
        'Object id (`oid`) of the provider as a staff member; an Entra object id (GUID) in a business with meetingMode teams or outlookCalendarSync (Microsoft Graph finds their calendar by it).',
    }),
    locale: z
      .enum(LOCALES)
      .optional()
      .openapi({ description: "The language of the provider's emails and calendar feed; the business's defaultLocale when absent." }),
  }),
);

export const ProviderSchema = registry.register(
  'Provider',
  z.object({
    id: resourceId,
    displayName: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    timeZone: z.string(),
    staffObjectId: z.string(),
    locale: z.enum(LOCALES).optional(),
    active: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  }),
);

export const PublicProviderSchema = registry.register(
  'PublicProvider',
  z.object({ id: resourceId, displayName: z.string(), timeZone: z.string() }),
);

export const ProviderListSchema = z.object({
  providers: z.array(z.union([ProviderSchema, PublicProviderSchema])).openapi({
    description: 'Staff of the business get every field of every provider; others the public fields of active providers.',
  }),
});

export function providerView(provider: ProviderRecord): z.infer<typeof ProviderSchema> {
  return {
    id: provider.id,
    displayName: provider.displayName,
    email: provider.email,
    ...(provider.phone ? { phone: provider.phone } : {}),
    timeZone: provider.timeZone,
    staffObjectId: provider.staffObjectId,
    ...(provider.locale ? { locale: provider.locale } : {}),
    active: provider.active,
    createdAt: formatInstant(provider.createdAt),
    updatedAt: formatInstant(provider.updatedAt),
  };
}

registry.registerPath({
  method: 'put',
  path: '/businesses/{businessId}/providers/{providerId}',
  tags: ['Office manager'],
  summary: 'Create or replace a provider (reactivates a deactivated one)',
  security: STAFF,
  request: { params: ProviderParams, body: jsonBody(ProviderBody) },
  responses: {
    200: { description: 'Replaced', ...jsonContent(ProviderSchema) },
    201: { description: 'Created', ...jsonContent(ProviderSchema) },
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/providers',
  tags: ['Office manager', 'Consumer'],
  summary: 'List providers',
  security: OPTIONAL_STAFF,
  request: { params: BusinessParams },
  responses: { 200: { description: 'The providers', ...jsonContent(ProviderListSchema) }, ...problems(400, 401, 404) },
});

registry.registerPath({
  method: 'delete',
  path: '/businesses/{businessId}/providers/{providerId}',
  tags: ['Office manager'],
  summary: 'Deactivate a provider (no more slots; history stays)',
  security: STAFF,
  request: { params: ProviderParams },
  responses: { 204: { description: 'Deactivated' }, ...problems(400, 401, 403, 404) },
});
