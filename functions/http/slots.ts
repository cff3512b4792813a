import { app } from '@azure/functions';
import { searchSlots } from '../../shared/app/search-slots';
import { endpoint, json, parseWith } from '../../shared/adapters/http/endpoint';
import { searchParamsObject } from '../../shared/adapters/http/schemas/common';
import { ServiceParams } from '../../shared/adapters/http/schemas/services';
import { SlotQuerySchema, slotListView } from '../../shared/adapters/http/schemas/slots';
import { getServices } from '../../shared/composition-root';
import { callerOf } from '../../shared/adapters/auth/request-caller';

// Public: consumers search without credentials (a broken bearer token is still a 401, as everywhere).
app.http('searchSlots', {
  route: 'businesses/{businessId}/services/{serviceId}/slots',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    await callerOf(getServices().staffAuth, request);
    const ids = parseWith(ServiceParams, request.params);
    const query = parseWith(SlotQuerySchema, searchParamsObject(request.query));
    const result = await searchSlots(getServices().configuration, ids, query);
    return json(200, slotListView(result, query.timeZone));
  }),
});
