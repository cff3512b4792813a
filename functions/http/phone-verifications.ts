import { app } from '@azure/functions';
import { requestPhoneVerification } from '../../shared/app/phone-verification';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { clientAddress } from '../../shared/adapters/http/rate-limit';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import { PhoneVerificationBody, phoneVerificationView } from '../../shared/adapters/http/schemas/phone-verifications';
import { getServices } from '../../shared/composition-root';
import { callerOf } from '../../shared/adapters/auth/request-caller';

app.http('requestPhoneVerification', {
  route: 'businesses/{businessId}/phone-verifications',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    await callerOf(getServices().staffAuth, request); // public, but a broken bearer token is a 401 as everywhere
    const { businessId } = parseWith(BusinessParams, request.params);
    const { phone } = await readJsonBody(request, PhoneVerificationBody);
    const result = await requestPhoneVerification(getServices().phoneVerification, {
      businessId,
      phone,
      clientAddress: clientAddress(request.headers.get('x-forwarded-for')),
    });
    return json(202, phoneVerificationView(result));
  }),
});
