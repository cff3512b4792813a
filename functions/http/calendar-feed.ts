import { app } from '@azure/functions';
import { providerCalendarFeed, rotateFeedToken } from '../../shared/app/workspace/calendar-feed';
import { callerOf, staffOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith } from '../../shared/adapters/http/endpoint';
import { searchParamsObject } from '../../shared/adapters/http/schemas/common';
import { ProviderParams } from '../../shared/adapters/http/schemas/providers';
import { FeedQuery } from '../../shared/adapters/http/schemas/workspace';
import { getServices } from '../../shared/composition-root';

app.http('providerCalendarFeed', {
  route: 'businesses/{businessId}/providers/{providerId}/calendar.ics',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, workspace, links } = getServices();
    const caller = await callerOf(staffAuth, request);
    const { feedToken } = parseWith(FeedQuery, searchParamsObject(request.query));
    const ids = parseWith(ProviderParams, request.params);
    const text = await providerCalendarFeed(workspace, { caller, ...(feedToken !== undefined ? { feedToken } : {}) }, ids, (id) =>
      links.providerJoin(id),
    );
    return {
      status: 200,
      // Calendar apps poll and read the current appointments each time; consumer names: never stored.
      headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'no-store' },
      body: text,
    };
  }),
});

app.http('rotateCalendarFeedToken', {
  route: 'businesses/{businessId}/providers/{providerId}/calendar-feed-token',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { staffAuth, workspace, links } = getServices();
    const caller = await staffOf(staffAuth, request);
    const ids = parseWith(ProviderParams, request.params);
    const { feedToken } = await rotateFeedToken(workspace, caller, ids);
    return json(200, { feedToken, feedUrl: links.calendarFeed(ids, feedToken) }, { 'Cache-Control': 'no-store' });
  }),
});
