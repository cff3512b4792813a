import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { cancelClosureAppointments, deleteClosure, listClosures, putClosure } from '../../shared/app/configuration/configure-closures';
import { validateIdempotencyKey } from '../../shared/app/idempotency';
import { staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import {
  ClosureBody,
  ClosureCancelBody,
  ClosureListQuery,
  ClosureParams,
  closureCancelView,
  closurePutView,
  closureView,
} from '../../shared/adapters/http/schemas/closures';
import { searchParamsObject } from '../../shared/adapters/http/schemas/common';
import { getServices, servicesFor } from '../../shared/composition-root';

const closureRoute = 'businesses/{businessId}/closures/{closureId}';

app.http('putClosure', {
  route: closureRoute,
  methods: ['PUT', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, booking } = getServices();
    const caller = await staffOf(staffAuth, request);
    const ids = parseWith(ClosureParams, request.params);
    const result = await putClosure(booking, caller, ids, () => readJsonBody(request, ClosureBody));
    return json(result.created ? 201 : 200, closurePutView(result.record, result.booked), { 'Cache-Control': 'no-store' });
  }),
});

app.http('deleteClosure', {
  route: closureRoute,
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, booking } = getServices();
    const caller = await staffOf(staffAuth, request);
    await deleteClosure(booking, caller, parseWith(ClosureParams, request.params));
    return { status: 204 };
  }),
});

app.http('listClosures', {
  route: 'businesses/{businessId}/closures',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, booking } = getServices();
    const caller = await staffOf(staffAuth, request);
    const { businessId } = parseWith(BusinessParams, request.params);
    const query = parseWith(ClosureListQuery, searchParamsObject(request.query));
    const closures = await listClosures(booking, caller, businessId, query);
    return json(200, { closures: closures.map(closureView) }, { 'Cache-Control': 'no-store' });
  }),
});

app.http('cancelClosureAppointments', {
  route: `${closureRoute}/cancel-appointments`,
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  // The cancellations signal each appointment's lifecycle through the outbox, kicked with this invocation's client.
  extraInputs: [df.input.durableClient()],
  handler: endpoint(async ({ request, invocation }) => {
    const caller = await staffOf(getServices().staffAuth, request);
    const { booking } = servicesFor(invocation);
    const ids = parseWith(ClosureParams, request.params);
    const rawKey = request.headers.get('idempotency-key');
    const key = rawKey === null ? undefined : validateIdempotencyKey(rawKey);
    const body = await readJsonBody(request, ClosureCancelBody);
    const result = await cancelClosureAppointments(booking, caller, ids, body, closureCancelView, key);
    return json(result.status, result.body, { 'Cache-Control': 'no-store' });
  }),
});
