import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { sweepOutbox } from '../../shared/app/outbox/dispatch-outbox';
import { servicesFor } from '../../shared/composition-root';

// Every request that writes an outbox row also kicks the dispatcher; this sweep is the guarantee for
// rows whose kick was lost (process died, transient ACS failure).
app.timer('outboxSweep', {
  schedule: '*/15 * * * * *',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer, context) => {
    // Lifecycle rows need this invocation's durable client.
    const result = await sweepOutbox(servicesFor(context).outbox);
    if (result.partitions > 0) context.log(JSON.stringify({ event: 'outbox.swept', ...result }));
  },
});
