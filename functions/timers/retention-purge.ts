import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { durableLifecycle } from '../../shared/adapters/durable/durable-lifecycle';
import { purgeExpiredAppointments } from '../../shared/app/privacy/retention';
import { getServices } from '../../shared/composition-root';

// Appointments past the retention period (APPOINTMENT_RETENTION_DAYS after their end) are purged with
// everything that belongs to them, in batches; a full batch leaves the rest to the next run (docs/privacy.md).
app.timer('retentionPurge', {
  schedule: '0 41 * * * *',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer, context) => {
    // The durable client purges the lifecycle's history.
    const lifecycle = durableLifecycle(() => df.getClient(context));
    const report = await purgeExpiredAppointments(getServices().privacy.retention(lifecycle));
    if (report.purged + report.deferred > 0) context.log(JSON.stringify({ event: 'retention.run', ...report }));
  },
});
