import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import type { Settings } from '../../config/settings';
import { withDeadline } from '../deadline/deadline-policy';

/**
 * Builds table clients from settings: a connection string on the local stack (Azurite), the
 * account endpoint plus the managed identity in Azure (keyless). Tables are created on first use.
 */
export class TableClients {
  private readonly ready = new Map<string, Promise<TableClient>>();
  private readonly credential: DefaultAzureCredential | undefined;

  constructor(private readonly settings: Settings) {
    this.credential = settings.TABLE_STORAGE_CONNECTION_STRING ? undefined : new DefaultAzureCredential();
  }

  /** A client for a logical table (`appointments`), with the configured prefix applied. */
  table(logicalName: string): Promise<TableClient> {
    const name = `${this.settings.TABLE_NAME_PREFIX}${logicalName}`;
    let client = this.ready.get(name);
    if (!client) {
      client = this.createIfMissing(this.build(name));
      // A failed creation (storage down) must not poison later attempts.
      client.catch(() => this.ready.delete(name));
      this.ready.set(name, client);
    }
    return client;
  }

  private build(name: string): TableClient {
    const connection = this.settings.TABLE_STORAGE_CONNECTION_STRING;
    if (connection) {
      return TableClient.fromConnectionString(connection, name, {
        allowInsecureConnection: isHttpConnectionString(connection),
        ...this.deadline(),
      });
    }
    return new TableClient(this.endpoint(), name, this.credential!, this.deadline());
  }

  /** Every storage request gets a deadline: a hung connection fails (and is retried) instead of stalling the caller. */
  private deadline() {
    return withDeadline(this.settings.OUTBOUND_TIMEOUT_MS);
  }

  private endpoint(): string {
    return this.settings.TABLE_STORAGE_ENDPOINT!;
  }

  private async createIfMissing(client: TableClient): Promise<TableClient> {
    await client.createTable(); // the SDK treats 409 TableAlreadyExists as success
    return client;
  }
}

/** Azurite speaks plain HTTP; the SDK refuses it unless told (only ever for local connection strings). */
export function isHttpConnectionString(connection: string): boolean {
  return connection === 'UseDevelopmentStorage=true' || /(TableEndpoint|DefaultEndpointsProtocol)=http(:|;)/i.test(connection);
}
