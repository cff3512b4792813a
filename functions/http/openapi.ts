import { app } from '@azure/functions';
import { endpoint, json } from '../../shared/adapters/http/endpoint';
import { openApiDocument } from '../../shared/adapters/http/openapi';
import { loadSettings } from '../../shared/config/settings';

app.http('openApi', {
  route: 'openapi.json',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async () => json(200, openApiDocument(loadSettings().PUBLIC_BASE_URL), { 'Cache-Control': 'max-age=300' })),
});
