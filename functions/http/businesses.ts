import { app } from '@azure/functions';
import { getBusiness, putBusiness } from '../../shared/app/configuration/configure-business';
import { staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { BusinessBody, BusinessParams, businessView } from '../../shared/adapters/http/schemas/businesses';
import { getServices } from '../../shared/composition-root';

const route = 'businesses/{businessId}';

app.http('putBusiness', {
  route,
  methods: ['PUT', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId } = parseWith(BusinessParams, request.params);
    const result = await putBusiness(configuration, caller, businessId, () => readJsonBody(request, BusinessBody));
    return json(result.created ? 201 : 200, businessView(result.record));
  }),
});

app.http('getBusiness', {
  route,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId } = parseWith(BusinessParams, request.params);
    return json(200, businessView(await getBusiness(configuration, caller, businessId)));
  }),
});
