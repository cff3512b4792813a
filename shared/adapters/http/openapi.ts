import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registry } from './schemas/registry';
// Each module registers its schemas and paths on import; a new endpoint's schema module is added here.
import './schemas/health';
import './schemas/businesses';
import './schemas/providers';
import './schemas/schedules';
import './schemas/overrides';
import './schemas/closures';
import './schemas/services';
import './schemas/slots';
import './schemas/appointments';
import './schemas/phone-verifications';
import './schemas/lookup';
import './schemas/join';
import './schemas/workspace';
import './schemas/privacy';

let document: object | undefined;

/** The OpenAPI 3.1 document of the HTTP API, built once from the registered zod schemas. */
export function openApiDocument(baseUrl: string): object {
  document ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'virtual-appointments',
      version: '1.0.0',
      description: 'Virtual appointments on Azure: configuration, slots, booking, reminders and video visits.',
    },
    servers: [{ url: baseUrl }],
  });
  return document;
}
