import { app } from '@azure/functions';
import { deleteOverride, listOverrides, putOverride } from '../../shared/app/configuration/configure-overrides';
import { staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { searchParamsObject } from '../../shared/adapters/http/schemas/common';
import { OverrideBody, OverrideListQuery, OverrideParams, overrideView } from '../../shared/adapters/http/schemas/overrides';
import { ProviderParams } from '../../shared/adapters/http/schemas/providers';
import { getServices } from '../../shared/composition-root';

const overrideRoute = 'businesses/{businessId}/providers/{providerId}/overrides/{date}';

app.http('putOverride', {
  route: overrideRoute,
  methods: ['PUT', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const ids = parseWith(OverrideParams, request.params);
    const result = await putOverride(configuration, caller, ids, () => readJsonBody(request, OverrideBody));
    return json(result.created ? 201 : 200, overrideView(result.record));
  }),
});

app.http('deleteOverride', {
  route: overrideRoute,
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    await deleteOverride(configuration, caller, parseWith(OverrideParams, request.params));
    return { status: 204 };
  }),
});

app.http('listOverrides', {
  route: 'businesses/{businessId}/providers/{providerId}/overrides',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const ids = parseWith(ProviderParams, request.params);
    const query = parseWith(OverrideListQuery, searchParamsObject(request.query));
    const page = await listOverrides(configuration, caller, ids, query);
    return json(200, {
      overrides: page.overrides.map(overrideView),
      ...(page.nextContinuationToken ? { nextContinuationToken: page.nextContinuationToken } : {}),
    });
  }),
});
