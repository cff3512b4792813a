import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { durableLifecycle } from '../../shared/adapters/durable/durable-lifecycle';
import { sweepOutbox } from '../../shared/app/outbox/dispatch-outbox';
import { getServices } from '../../shared/composition-root';

// Every request that writes an outbox row also kicks the dispatcher; this sweep is the guarantee for
// rows whose kick was lost (process died, transient ACS failure).
app.timer('outboxSweep', {
  schedule: '*/15 * * * * *',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer, context) => {
    // Lifecycle rows need this invocation's durable client.
    const result = await sweepOutbox(getServices().outboxWith(durableLifecycle(() => df.getClient(context))));
    if (result.partitions > 0) context.log(JSON.stringify({ event: 'outbox.swept', ...result }));
  },
});
