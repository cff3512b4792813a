import { CommunicationIdentityClient } from '@azure/communication-identity';
import type { AccessToken, IdentityPort, TokenScope } from '../../app/ports/acs';
import { acsClient, type AcsClientConfig } from './client-options';
import { callAcs } from './errors';

/** ACS Identity: users and their access tokens. */
export class AcsIdentityAdapter implements IdentityPort {
  private readonly client: CommunicationIdentityClient;

  constructor(private readonly config: AcsClientConfig) {
    this.client = acsClient(CommunicationIdentityClient, config, config.clientOptions);
  }

  async createUser(): Promise<string> {
    const user = await callAcs('identity', 'createUser', this.config.retry, () => this.client.createUser());
    return user.communicationUserId;
  }

  async issueToken(userId: string, scopes: TokenScope[], expiresInMinutes: number): Promise<AccessToken> {
    const token = await callAcs('identity', 'issueToken', this.config.retry, () =>
      this.client.getToken({ communicationUserId: userId }, scopes, { tokenExpiresInMinutes: expiresInMinutes }),
    );
    return { token: token.token, expiresOn: token.expiresOn.getTime() };
  }

  async revokeTokens(userId: string): Promise<void> {
    await callAcs('identity', 'revokeTokens', this.config.retry, () => this.client.revokeTokens({ communicationUserId: userId }));
  }

  async deleteUser(userId: string): Promise<void> {
    await callAcs('identity', 'deleteUser', this.config.retry, () => this.client.deleteUser({ communicationUserId: userId }));
  }
}
