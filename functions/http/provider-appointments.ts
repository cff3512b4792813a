import { app } from '@azure/functions';
import { listProviderAppointments } from '../../shared/app/workspace/list-appointments';
import { staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith } from '../../shared/adapters/http/endpoint';
import { searchParamsObject } from '../../shared/adapters/http/schemas/common';
import { ProviderParams } from '../../shared/adapters/http/schemas/providers';
import { AppointmentListQuery, appointmentListView } from '../../shared/adapters/http/schemas/workspace';
import { getServices } from '../../shared/composition-root';

app.http('listProviderAppointments', {
  route: 'businesses/{businessId}/providers/{providerId}/appointments',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, workspace } = getServices();
    const caller = await staffOf(staffAuth, request);
    const ids = parseWith(ProviderParams, request.params);
    const query = parseWith(AppointmentListQuery, searchParamsObject(request.query));
    const page = await listProviderAppointments(workspace, caller, ids, query);
    return json(200, appointmentListView(page, query.timeZone), { 'Cache-Control': 'no-store' });
  }),
});
