import { openApiDocument } from '../../../shared/adapters/http/openapi';

interface Operation {
  parameters: Array<{ name: string; in: string }>;
  security?: unknown;
}

interface ObjectSchema {
  properties: Record<string, Record<string, unknown>>;
  required: string[];
}

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, ObjectSchema>; securitySchemes: Record<string, unknown> };
};

describe('OpenAPI document', () => {
  const doc = openApiDocument('http://localhost:7071/api') as Doc;

  it('is OpenAPI 3.1 and lists every configuration, slot and health operation', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      expect.arrayContaining([
        'GET /health',
        'PUT /businesses/{businessId}',
        'GET /businesses/{businessId}',
        'PUT /businesses/{businessId}/providers/{providerId}',
        'GET /businesses/{businessId}/providers',
        'DELETE /businesses/{businessId}/providers/{providerId}',
        'PUT /businesses/{businessId}/providers/{providerId}/schedule',
        'PUT /businesses/{businessId}/providers/{providerId}/overrides/{date}',
        'DELETE /businesses/{businessId}/providers/{providerId}/overrides/{date}',
        'GET /businesses/{businessId}/providers/{providerId}/overrides',
        'PUT /businesses/{businessId}/services/{serviceId}',
        'GET /businesses/{businessId}/services',
        'DELETE /businesses/{businessId}/services/{serviceId}',
        'GET /businesses/{businessId}/services/{serviceId}/slots',
      ]),
    );
  });

  it('carries the limits of the validating schemas', () => {
    const input = doc.components.schemas.ServiceInput!;
    expect(input.properties.durationMinutes).toMatchObject({ minimum: 5, maximum: 720 });
    expect(input.properties.bookingWindowDays).toMatchObject({ minimum: 1, maximum: 730, default: 60 });
    expect(input.properties.reminders).toMatchObject({ maxItems: 10, default: [] });
    expect(input.required.sort()).toEqual(['durationMinutes', 'name', 'providerIds']);
    const slots = doc.paths['/businesses/{businessId}/services/{serviceId}/slots']!.get!;
    expect(slots.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:businessId',
      'path:serviceId',
      'query:from',
      'query:providerId',
      'query:timeZone',
      'query:to',
    ]);
  });

  it('marks staff endpoints with the bearer scheme and leaves slot search public', () => {
    expect(doc.components.securitySchemes.staffBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/businesses/{businessId}']!.put!.security).toEqual([{ staffBearer: [] }]);
    expect(doc.paths['/businesses/{businessId}/services/{serviceId}/slots']!.get!.security).toBeUndefined();
  });
});
