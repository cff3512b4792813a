import { app } from '@azure/functions';
import { recordOutcome, type Outcome } from '../../shared/app/workspace/appointment-outcomes';
import { appointmentCredentialsOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readOptionalJsonBody } from '../../shared/adapters/http/endpoint';
import { AppointmentParams, appointmentView } from '../../shared/adapters/http/schemas/appointments';
import { OutcomeBody } from '../../shared/adapters/http/schemas/workspace';
import { getServices } from '../../shared/composition-root';

function outcomeEndpoint(outcome: Outcome) {
  return endpoint(async ({ request }) => {
    const credentials = await appointmentCredentialsOf(getServices().staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    await readOptionalJsonBody(request, OutcomeBody);
    const changed = await recordOutcome(getServices().workspace, appointmentId, credentials, outcome, {
      ifMatch: request.headers.get('if-match'),
    });
    return json(200, appointmentView(changed), { ETag: `"${changed.version}"` });
  });
}

app.http('completeAppointment', {
  route: 'appointments/{appointmentId}/complete',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: outcomeEndpoint('completed'),
});

app.http('markNoShow', {
  route: 'appointments/{appointmentId}/no-show',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: outcomeEndpoint('no-show'),
});
