import { app } from '@azure/functions';
import { deactivateService, listServices, putService } from '../../shared/app/configuration/configure-services';
import { callerOf, staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import { ServiceBody, serviceInput, ServiceParams, serviceView } from '../../shared/adapters/http/schemas/services';
import { getServices } from '../../shared/composition-root';

const serviceRoute = 'businesses/{businessId}/services/{serviceId}';

app.http('putService', {
  route: serviceRoute,
  methods: ['PUT', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId, serviceId } = parseWith(ServiceParams, request.params);
    const result = await putService(configuration, caller, businessId, serviceId, async () =>
      serviceInput(await readJsonBody(request, ServiceBody)),
    );
    return json(result.created ? 201 : 200, serviceView(result.record));
  }),
});

app.http('deactivateService', {
  route: serviceRoute,
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId, serviceId } = parseWith(ServiceParams, request.params);
    await deactivateService(configuration, caller, businessId, serviceId);
    return { status: 204 };
  }),
});

app.http('listServices', {
  route: 'businesses/{businessId}/services',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await callerOf(staffAuth, request);
    const { businessId } = parseWith(BusinessParams, request.params);
    return json(200, { services: (await listServices(configuration, caller, businessId)).map(serviceView) });
  }),
});
