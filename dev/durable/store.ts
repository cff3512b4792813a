import { randomUUID } from 'node:crypto';
import { RestError, TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { HistoryEvent } from './protocol';
import type { RetryState } from './retry';
import { isHttpConnectionString } from '../../shared/adapters/tables/table-clients';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew';

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text, as the extension keeps it. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: number;
  lastUpdatedTime: number;
  /** Number of history rows of the current execution. */
  historyLength: number;
  /** The next task/timer id; mirrors the SDK's sequence number. */
  nextEventId: number;
  /** Task id of each flattened action seen so far (-1 for actions without one). */
  actionIds: number[];
  etag?: string;
}

/** Something for the orchestrator to see next; one message becomes one episode. */
export type InboxMessage =
  | { kind: 'start'; executionId: string }
  | { kind: 'event'; name: string; input: string | null }
  | { kind: 'taskCompleted'; executionId: string; taskId: number; result: string | null }
  | { kind: 'taskFailed'; executionId: string; taskId: number; reason: string; details: string; retry?: RetryState }
  | { kind: 'timerFired'; executionId: string; timerId: number; fireAt: number; retry?: RetryState; longTimer?: LongTimer }
  | { kind: 'terminate'; reason: string | null };

export type WorkItem =
  | { kind: 'activity'; executionId: string; taskId: number; name: string; input: string | null; retry?: RetryState }
  | { kind: 'timer'; executionId: string; timerId: number; fireAt: number; retry?: RetryState; longTimer?: LongTimer };

/** A timer longer than Azure Storage's maximum, waited out in sub-timers (the extension's long-timer path). */
export interface LongTimer {
  /** Task id of the first sub-timer: the id the orchestrator's action carries. */
  firstTimerId: number;
  /** When the orchestrator's timer is due. */
  finalFireAt: number;
}

export interface StoredMessage {
  key: string;
  message: InboxMessage;
}

export interface StoredWork {
  instanceId: string;
  rowKey: string;
  item: WorkItem;
}

export interface StoredHistoryEvent {
  event: HistoryEvent;
  /** For EventRaised: the inbox key it arrived with, so continueAsNew can carry it over in order. */
  inboxKey?: string;
}

type Row = { partitionKey: string; rowKey: string; [property: string]: unknown };

const INSTANCE = 'instance';
const pad = (n: number) => String(n).padStart(8, '0');
export const historyKey = (executionId: string, index: number) => `history-${executionId}-${pad(index)}`;
export const workKey = (executionId: string, id: number) => `work-${executionId}-${pad(id)}`;

let inboxCounter = 0;
/**
 * Inbox keys sort in arrival order. Wall time (not the orchestration clock, which may be virtual)
 * keeps them increasing across restarts; the counter and suffix keep them unique.
 */
export function newInboxKey(): string {
  inboxCounter = (inboxCounter + 1) % 1_000_000;
  return `inbox-${String(Date.now()).padStart(15, '0')}-${String(inboxCounter).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}

// Table string properties hold 64 KiB (32K UTF-16 characters): longer JSON is split over numbered properties.
const CHUNK = 30_000;
function packText(name: string, text: string | null): Record<string, string> {
  if (text === null) return {};
  if (text.length <= CHUNK) return { [name]: text };
  const packed: Record<string, string> = {};
  for (let i = 0, part = 0; i < text.length; i += CHUNK, part += 1)
    packed[part === 0 ? name : `${name}_${part}`] = text.slice(i, i + CHUNK);
  return packed;
}
function unpackText(row: Record<string, unknown>, name: string): string | null {
  const first = row[name];
  if (typeof first !== 'string') return null;
  let text = first;
  for (let part = 1; typeof row[`${name}_${part}`] === 'string'; part += 1) text += row[`${name}_${part}`] as string;
  return text;
}

export function isStatus(error: unknown, ...codes: number[]): boolean {
  return error instanceof RestError && codes.includes(error.statusCode ?? 0);
}

/** Entity-group transactions hold at most 100 operations. */
export const MAX_TRANSACTION_OPERATIONS = 100;

/**
 * All durable state in one table, partitioned by instance id, so that an episode (history rows,
 * instance row, consumed message, new work) commits in one entity-group transaction.
 */
export class DurableStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  static fromConnectionString(connectionString: string, tableName: string): DurableStore {
    const insecure = isHttpConnectionString(connectionString);
    return new DurableStore(TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: insecure }));
  }

  ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().then(() => undefined);
    return this.ready;
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      return toInstance(await this.table.getEntity<Row>(instanceId, INSTANCE));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async listInstances(): Promise<InstanceRecord[]> {
    const instances: InstanceRecord[] = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter: `RowKey eq '${INSTANCE}'` } }))
      instances.push(toInstance(row));
    return instances;
  }

  async history(instance: InstanceRecord): Promise<StoredHistoryEvent[]> {
    const rows = await this.range(instance.instanceId, `history-${instance.executionId}-`);
    // Rows past historyLength belong to no committed episode (they cannot exist today, but never replay them).
    return rows.slice(0, instance.historyLength).map((row) => ({
      event: JSON.parse(unpackText(row, 'event') ?? 'null') as HistoryEvent,
      inboxKey: typeof row.inboxKey === 'string' ? row.inboxKey : undefined,
    }));
  }

  async inbox(instanceId: string): Promise<StoredMessage[]> {
    const rows = await this.range(instanceId, 'inbox-');
    return rows.map((row) => ({ key: row.rowKey, message: JSON.parse(unpackText(row, 'body') ?? 'null') as InboxMessage }));
  }

  async work(instanceId?: string): Promise<StoredWork[]> {
    const rows =
      instanceId === undefined ? await this.query(`RowKey ge 'work-' and RowKey lt 'work.'`) : await this.range(instanceId, 'work-');
    return rows.map((row) => ({
      instanceId: row.partitionKey,
      rowKey: row.rowKey,
      item: JSON.parse(unpackText(row, 'body') ?? 'null') as WorkItem,
    }));
  }

  /** Partitions that have undelivered messages (used once at start-up). */
  async instancesWithInbox(): Promise<string[]> {
    const rows = await this.query(`RowKey ge 'inbox-' and RowKey lt 'inbox.'`, ['PartitionKey']);
    return [...new Set(rows.map((row) => row.partitionKey))];
  }

  async staleHistoryKeys(instance: InstanceRecord): Promise<string[]> {
    const rows = await this.range(instance.instanceId, 'history-', ['RowKey']);
    return rows.map((row) => row.rowKey).filter((key) => !key.startsWith(`history-${instance.executionId}-`));
  }

  async partitionKeys(instanceId: string): Promise<string[]> {
    const rows = await this.query(`PartitionKey eq '${escape(instanceId)}'`, ['RowKey']);
    return rows.map((row) => row.rowKey);
  }

  /** One atomic write in one partition; the caller keeps it within MAX_TRANSACTION_OPERATIONS. */
  async commit(instanceId: string, writes: Write[]): Promise<void> {
    if (writes.length === 0) return;
    const actions: TransactionAction[] = writes.map((write) => {
      switch (write.op) {
        case 'createInstance':
          return ['create', fromInstance(write.instance)];
        case 'updateInstance':
          return ['update', fromInstance(write.instance), 'Replace', { etag: write.instance.etag ?? '*' }];
        case 'addHistory':
          return [
            'upsert',
            {
              partitionKey: instanceId,
              rowKey: historyKey(write.executionId, write.index),
              ...packText('event', JSON.stringify(write.event)),
              ...(write.inboxKey ? { inboxKey: write.inboxKey } : {}),
            },
            'Replace',
          ];
        case 'addMessage':
          return [
            'create',
            { partitionKey: instanceId, rowKey: write.key, kind: write.message.kind, ...packText('body', JSON.stringify(write.message)) },
          ];
        case 'addWork':
          return [
            'create',
            { partitionKey: instanceId, rowKey: write.rowKey, kind: write.item.kind, ...packText('body', JSON.stringify(write.item)) },
          ];
        case 'delete':
          return ['delete', { partitionKey: instanceId, rowKey: write.rowKey }];
      }
    });
    await this.table.submitTransaction(actions);
  }

  /** Deletes rows in batches (not atomic: for garbage only). */
  async deleteRows(instanceId: string, rowKeys: string[]): Promise<void> {
    for (let i = 0; i < rowKeys.length; i += MAX_TRANSACTION_OPERATIONS) {
      await this.commit(
        instanceId,
        rowKeys.slice(i, i + MAX_TRANSACTION_OPERATIONS).map((rowKey) => ({ op: 'delete', rowKey }) as const),
      );
    }
  }

  private range(partitionKey: string, prefix: string, select?: string[]): Promise<Row[]> {
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return this.query(`PartitionKey eq '${escape(partitionKey)}' and RowKey ge '${escape(prefix)}' and RowKey lt '${escape(end)}'`, select);
  }

  private async query(filter: string, select?: string[]): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter, select } })) rows.push(row);
    return rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
  }
}

export type Write =
  | { op: 'createInstance'; instance: InstanceRecord }
  | { op: 'updateInstance'; instance: InstanceRecord }
  | { op: 'addHistory'; executionId: string; index: number; event: HistoryEvent; inboxKey?: string }
  | { op: 'addMessage'; key: string; message: InboxMessage }
  | { op: 'addWork'; rowKey: string; item: WorkItem }
  | { op: 'delete'; rowKey: string };

const escape = (value: string) => value.replace(/'/g, "''");

function fromInstance(instance: InstanceRecord): Row {
  return {
    partitionKey: instance.instanceId,
    rowKey: INSTANCE,
    name: instance.name,
    executionId: instance.executionId,
    runtimeStatus: instance.runtimeStatus,
    ...packText('input', instance.input),
    ...packText('output', instance.output),
    ...packText('customStatus', instance.customStatus),
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
    historyLength: instance.historyLength,
    nextEventId: instance.nextEventId,
    actionIds: JSON.stringify(instance.actionIds),
  };
}

function toInstance(row: TableEntityResult<Row> | Row): InstanceRecord {
  return {
    instanceId: row.partitionKey,
    name: String(row.name),
    executionId: String(row.executionId),
    runtimeStatus: row.runtimeStatus as RuntimeStatus,
    input: unpackText(row, 'input'),
    output: unpackText(row, 'output'),
    customStatus: unpackText(row, 'customStatus'),
    createdTime: Number(row.createdTime),
    lastUpdatedTime: Number(row.lastUpdatedTime),
    historyLength: Number(row.historyLength),
    nextEventId: Number(row.nextEventId),
    actionIds: JSON.parse(String(row.actionIds ?? '[]')) as number[],
    etag: (row as { etag?: string }).etag,
  };
}
