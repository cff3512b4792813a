import { app } from '@azure/functions';
import { checkHealth } from '../../shared/app/health';
import { endpoint, json } from '../../shared/adapters/http/endpoint';
import { getServices } from '../../shared/composition-root';

app.http('health', {
  route: 'health',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async () => {
    const report = await checkHealth(getServices().healthProbes);
    // API.md: 503 for a dependency down, as plain JSON (not problem+json) so probes can read checks.
    return json(report.status === 'ok' ? 200 : 503, report, { 'Cache-Control': 'no-store' });
  }, { rateLimited: false }),
});
