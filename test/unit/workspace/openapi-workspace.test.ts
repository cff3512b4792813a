import { openApiDocument } from '../../../shared/adapters/http/openapi';

type Doc = {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string }>; security?: unknown; responses: Record<string, unknown> }>
  >;
  components: {
    schemas: Record<string, { properties: Record<string, unknown>; required?: string[]; allOf?: unknown[] }>;
    securitySchemes: Record<string, unknown>;
  };
};

describe('OpenAPI document: join and the provider workspace', () => {
  const doc = openApiDocument('http://localhost:7071/api') as Doc;

  it('lists every join and workspace operation', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /appointments/{appointmentId}/join',
        'POST /appointments/{appointmentId}/complete',
        'POST /appointments/{appointmentId}/no-show',
        'GET /businesses/{businessId}/providers/{providerId}/appointments',
        'GET /businesses/{businessId}/appointments',
        'GET /businesses/{businessId}/providers/{providerId}/calendar.ics',
        'POST /businesses/{businessId}/providers/{providerId}/calendar-feed-token',
      ]),
    );
  });

  it('describes the join answer and the join-window problem with both bounds', () => {
    expect(doc.components.schemas.JoinResult!.required!.sort()).toEqual([
      'acsUserId',
      'chatThreadId',
      'endpoint',
      'expiresOn',
      'role',
      'roomId',
      'token',
    ]);
    // A Problem (allOf) with both bounds required.
    expect(doc.components.schemas.JoinWindowClosedProblem).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/Problem' }, { required: ['opensAt', 'closedAt'] }],
    });
  });

  it('documents list paging and filters', () => {
    const list = doc.paths['/businesses/{businessId}/appointments']!.get!;
    expect(
      list
        .parameters!.filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['continuationToken', 'from', 'limit', 'providerId', 'status', 'timeZone', 'to']);
    expect(doc.components.schemas.AppointmentList!.properties).toHaveProperty('nextContinuationToken');
    expect(doc.components.securitySchemes).toHaveProperty('calendarFeedToken');
  });
});
