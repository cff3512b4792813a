import { app } from '@azure/functions';
import { joinAppointment } from '../../shared/app/join/join-appointment';
import { appointmentCredentialsOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readOptionalJsonBody } from '../../shared/adapters/http/endpoint';
import { AppointmentParams } from '../../shared/adapters/http/schemas/appointments';
import { JoinBody, joinView } from '../../shared/adapters/http/schemas/join';
import { getServices } from '../../shared/composition-root';

app.http('joinAppointment', {
  route: 'appointments/{appointmentId}/join',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const credentials = await appointmentCredentialsOf(getServices().staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    await readOptionalJsonBody(request, JoinBody);
    const joined = await joinAppointment(getServices().join, appointmentId, credentials);
    // The answer carries an access token.
    return json(200, joinView(joined), { 'Cache-Control': 'no-store' });
  }),
});
