import { app } from '@azure/functions';
import { listBusinessAppointments } from '../../shared/app/workspace/list-appointments';
import { staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith } from '../../shared/adapters/http/endpoint';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import { searchParamsObject } from '../../shared/adapters/http/schemas/common';
import { BusinessAppointmentListQuery, appointmentListView } from '../../shared/adapters/http/schemas/workspace';
import { getServices } from '../../shared/composition-root';

// Same route as booking (POST): the host picks the function by method.
app.http('listBusinessAppointments', {
  route: 'businesses/{businessId}/appointments',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, workspace } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId } = parseWith(BusinessParams, request.params);
    const query = parseWith(BusinessAppointmentListQuery, searchParamsObject(request.query));
    const page = await listBusinessAppointments(workspace, caller, businessId, query);
    return json(200, appointmentListView(page, query.timeZone), { 'Cache-Control': 'no-store' });
  }),
});
