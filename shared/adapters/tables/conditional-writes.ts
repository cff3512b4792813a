import { RestError, type TableClient, type TableEntity, type TableEntityResult } from '@azure/data-tables';
import { WriteConflictError, type Versioned } from '../../app/ports/versioned';

/** A row as the SDK returns it. */
export type Row = TableEntityResult<Record<string, unknown>>;

/** Reads one row; undefined when absent. */
export async function getRow(client: TableClient, partitionKey: string, rowKey: string): Promise<Row | undefined> {
  try {
    return await client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** Reads one row with its ETag; undefined when absent. */
export async function getVersioned<T>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
  fromRow: (row: Row) => T,
): Promise<Versioned<T> | undefined> {
  const row = await getRow(client, partitionKey, rowKey);
  return row ? { value: fromRow(row), etag: row.etag } : undefined;
}

/** Insert-if-absent without an etag, replace-if-unchanged with one; a lost race is a WriteConflictError. */
export async function saveConditional(
  client: TableClient,
  row: TableEntity<Record<string, unknown>>,
  etag: string | undefined,
): Promise<void> {
  try {
    if (etag === undefined) await client.createEntity(row);
    else await client.updateEntity(row, 'Replace', { etag });
  } catch (error) {
    if (error instanceof RestError && [404, 409, 412].includes(error.statusCode ?? 0)) {
      throw new WriteConflictError(`${row.partitionKey}/${row.rowKey}`);
    }
    throw error;
  }
}

export async function listRows(client: TableClient, filter: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) rows.push(row);
  return rows;
}

/** Table Storage keeps no arrays or objects: such fields are stored as JSON strings. */
export function jsonField<T>(row: Row, name: string): T {
  const value = row[name];
  if (typeof value !== 'string') throw new Error(`row ${row.partitionKey}/${row.rowKey} lacks ${name}`);
  return JSON.parse(value) as T;
}

export function optionalString(row: Row, name: string): string | undefined {
  const value = row[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Deletes the rows whose `field` is at or before `now`, each with its listed ETag (a row changed since stays). */
export async function purgeRowsBefore(client: TableClient, field: string, now: number): Promise<number> {
  let purged = 0;
  for await (const row of client.listEntities({
    queryOptions: { filter: `${field} le ${Math.floor(now)}`, select: ['PartitionKey', 'RowKey'] },
  })) {
    try {
      await client.deleteEntity(row.partitionKey!, row.rowKey!, { etag: row.etag });
      purged += 1;
    } catch (error) {
      if (!(error instanceof RestError && (error.statusCode === 404 || error.statusCode === 412))) throw error;
    }
  }
  return purged;
}
