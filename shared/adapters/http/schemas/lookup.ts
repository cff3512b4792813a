import { email } from './common';
import { BusinessParams } from './businesses';
import { jsonBody, jsonContent, OPTIONAL_STAFF, problems, registry, z } from './registry';

export const LookupBody = registry.register(
  'LookupInput',
  z.object({ email: email.openapi({ description: 'The address the appointments were booked with (compared ignoring case).' }) }),
);

export const LookupAcceptedSchema = registry.register(
  'LookupAccepted',
  z
    .object({ status: z.literal('accepted'), detail: z.string() })
    .openapi({ description: 'The same bytes for every address: the answer never tells whether an address has appointments.' }),
);

/** The one answer of every accepted lookup, byte for byte. */
export const LOOKUP_ACCEPTED: z.infer<typeof LookupAcceptedSchema> = {
  status: 'accepted',
  detail: 'If this address has upcoming appointments here, an email with their links is on its way.',
};

registry.registerPath({
  method: 'post',
  path: '/businesses/{businessId}/appointments/lookup',
  tags: ['Consumer'],
  summary: 'Lost link: email fresh links to the upcoming appointments booked with an address (202 whether or not there are any)',
  security: OPTIONAL_STAFF,
  request: { params: BusinessParams, body: jsonBody(LookupBody) },
  responses: {
    202: { description: 'Accepted (always the same answer)', ...jsonContent(LookupAcceptedSchema) },
    ...problems(400, 401, 404, 413, 415, 429),
  },
});
