import { app } from '@azure/functions';
import { endpoint, json } from '../../shared/adapters/http/endpoint';
import { asyncApiDocument } from '../../shared/adapters/servicebus/asyncapi';
import { loadSettings } from '../../shared/config/settings';

let document: object | undefined;

app.http('asyncApi', {
  route: 'asyncapi.json',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async () => {
    const settings = loadSettings();
    document ??= asyncApiDocument({
      topic: settings.SERVICEBUS_TOPIC,
      ...(settings.SERVICEBUS_FULLY_QUALIFIED_NAMESPACE ? { namespace: settings.SERVICEBUS_FULLY_QUALIFIED_NAMESPACE } : {}),
    });
    return json(200, document, { 'Cache-Control': 'max-age=300' });
  }),
});
