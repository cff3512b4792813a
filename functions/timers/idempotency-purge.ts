import { app } from '@azure/functions';
import { getServices } from '../../shared/composition-root';

// Idempotency records expire after 24 hours (docs/api.md); expired ones are ignored anyway, this only frees space.
// The same hourly run drops ended cap windows and expired phone verifications (issue 12).
app.timer('idempotencyPurge', {
  schedule: '0 17 * * * *',
  handler: async (_timer, context) => {
    const { booking, phoneVerification, clock } = getServices();
    const purged = await booking.idempotency.purgeExpired(clock.now());
    context.log(JSON.stringify({ event: 'idempotency.purged', purged }));
    const counters = await phoneVerification.quotas.purgeExpired(clock.now());
    const verifications = await phoneVerification.verifications.purgeExpired(clock.now());
    context.log(JSON.stringify({ event: 'caps.purged', counters, verifications }));
  },
});
