import { app } from '@azure/functions';
import { cachedHealthCheck, checkHealth, type HealthReport } from '../../shared/app/health';
import { endpoint, json } from '../../shared/adapters/http/endpoint';
import { getServices } from '../../shared/composition-root';

let check: (() => Promise<HealthReport>) | undefined;

app.http('health', {
  route: 'health',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  // Rate-limited like every endpoint, and storage is probed at most once per HEALTH_CACHE_SECONDS.
  handler: endpoint(async () => {
    const { healthProbes, settings } = getServices();
    check ??= cachedHealthCheck(() => checkHealth(healthProbes), settings.HEALTH_CACHE_SECONDS * 1000);
    const report = await check();
    // docs/api.md: 503 for a dependency down, as plain JSON (not problem+json) so probes can read checks.
    return json(report.status === 'ok' ? 200 : 503, report, { 'Cache-Control': 'no-store' });
  }),
});
