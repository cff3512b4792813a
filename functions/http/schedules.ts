import { app } from '@azure/functions';
import { getSchedule, putSchedule } from '../../shared/app/configuration/configure-schedules';
import { staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { ProviderParams } from '../../shared/adapters/http/schemas/providers';
import { ScheduleBody, scheduleView } from '../../shared/adapters/http/schemas/schedules';
import { getServices } from '../../shared/composition-root';

const route = 'businesses/{businessId}/providers/{providerId}/schedule';

app.http('putSchedule', {
  route,
  methods: ['PUT', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId, providerId } = parseWith(ProviderParams, request.params);
    const result = await putSchedule(configuration, caller, businessId, providerId, () => readJsonBody(request, ScheduleBody));
    return json(result.created ? 201 : 200, scheduleView(result.record));
  }),
});

app.http('getSchedule', {
  route,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, configuration } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId, providerId } = parseWith(ProviderParams, request.params);
    return json(200, scheduleView(await getSchedule(configuration, caller, businessId, providerId)));
  }),
});
