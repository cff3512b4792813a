import { app } from '@azure/functions';
import { deactivateProvider, listProviders, putProvider } from '../../shared/app/configuration/configure-providers';
import { callerOf, staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import { ProviderBody, ProviderParams, providerView } from '../../shared/adapters/http/schemas/providers';
import { getServices } from '../../shared/composition-root';

const providerRoute = 'businesses/{businessId}/providers/{providerId}';

app.http('putProvider', {
  route: providerRoute,
  methods: ['PUT', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId, providerId } = parseWith(ProviderParams, request.params);
    const result = await putProvider(configuration, caller, businessId, providerId, () => readJsonBody(request, ProviderBody));
    return json(result.created ? 201 : 200, providerView(result.record));
  }),
});

app.http('deactivateProvider', {
  route: providerRoute,
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId, providerId } = parseWith(ProviderParams, request.params);
    await deactivateProvider(configuration, caller, businessId, providerId);
    return { status: 204 };
  }),
});

app.http('listProviders', {
  route: 'businesses/{businessId}/providers',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await callerOf(staffAuth, request);
    const { businessId } = parseWith(BusinessParams, request.params);
    const listing = await listProviders(configuration, caller, businessId);
    return json(200, { providers: listing.view === 'staff' ? listing.providers.map(providerView) : listing.providers });
  }),
});
