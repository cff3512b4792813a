import { app } from '@azure/functions';
import { processLookups } from '../../shared/app/lookup/lost-link';
import { getServices } from '../../shared/composition-root';

// Each lookup request kicks the work itself after answering; this sweep is the guarantee for lookups
// whose kick was lost (process died, ACS throttled or down).
app.timer('lookupSweep', {
  schedule: '*/15 * * * * *',
  handler: async (_timer, context) => {
    const result = await processLookups(getServices().lookup);
    if (result.done + result.pending > 0) context.log(JSON.stringify({ event: 'lookup.swept', ...result }));
  },
});
