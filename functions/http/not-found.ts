import { app } from '@azure/functions';
import { AppError } from '../../shared/app/errors';
import { endpoint } from '../../shared/adapters/http/endpoint';

// Catch-all with the lowest route precedence: unknown paths answer problem+json instead of an empty 404.
app.http('notFound', {
  route: '{*path}',
  methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    throw new AppError('not-found', `No resource at ${new URL(request.url).pathname}.`);
  }),
});
