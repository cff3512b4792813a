import { app } from '@azure/functions';
import { sweepOutbox } from '../../shared/app/outbox/dispatch-outbox';
import { getServices } from '../../shared/composition-root';

// Every request that writes an outbox row also kicks the dispatcher; this sweep is the guarantee for
// rows whose kick was lost (process died, transient ACS failure).
app.timer('outboxSweep', {
  schedule: '*/15 * * * * *',
  handler: async (_timer, context) => {
    const result = await sweepOutbox(getServices().outbox);
    if (result.partitions > 0) context.log(JSON.stringify({ event: 'outbox.swept', ...result }));
  },
});
