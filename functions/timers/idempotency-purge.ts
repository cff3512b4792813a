import { app } from '@azure/functions';
import { getServices } from '../../shared/composition-root';

// Idempotency records expire after 24 hours (API.md); expired ones are ignored anyway, this only frees space.
app.timer('idempotencyPurge', {
  schedule: '0 17 * * * *',
  handler: async (_timer, context) => {
    const { booking, clock } = getServices();
    const purged = await booking.idempotency.purgeExpired(clock.now());
    context.log(JSON.stringify({ event: 'idempotency.purged', purged }));
  },
});
