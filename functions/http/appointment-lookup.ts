import { app } from '@azure/functions';
import { requestLookup } from '../../shared/app/lookup/lost-link';
import { callerOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { clientAddress } from '../../shared/adapters/http/rate-limit';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import { LOOKUP_ACCEPTED, LookupBody } from '../../shared/adapters/http/schemas/lookup';
import { getServices } from '../../shared/composition-root';

app.http('lookupAppointments', {
  route: 'businesses/{businessId}/appointments/lookup',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    await callerOf(getServices().staffAuth, request); // public, but a broken bearer token is a 401 as everywhere
    const { businessId } = parseWith(BusinessParams, request.params);
    const { email } = await readJsonBody(request, LookupBody);
    await requestLookup(getServices().lookup, { businessId, email, clientAddress: clientAddress(request.headers.get('x-forwarded-for')) });
    return json(202, LOOKUP_ACCEPTED, { 'Cache-Control': 'no-store' });
  }),
});
