import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeTableStorage } from '../../../shared/adapters/tables/storage-probe';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

/**
 * The health probe must use only operations Storage Table Data Contributor grants (the app's role in
 * Azure): a recording proxy in front of Azurite shows which Table service operations it calls.
 */
describe('the Table Storage health probe', () => {
  const requests: string[] = [];
  let proxy: http.Server;
  let connectionString: string;

  beforeAll(async () => {
    const target = new URL(/TableEndpoint=([^;]+)/.exec(testStorageConnectionString())![1]!);
    proxy = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    connectionString = testStorageConnectionString().replace(
      /TableEndpoint=[^;]+/,
      `TableEndpoint=http://127.0.0.1:${port}${target.pathname}`,
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('succeeds by creating and querying the scheduling table, never by reading service properties', async () => {
    const prefix = uniqueTablePrefix();
    const tables = new TableClients(parseSettings({ TABLE_STORAGE_CONNECTION_STRING: connectionString, TABLE_NAME_PREFIX: prefix }));

    await probeTableStorage(tables);
    await probeTableStorage(tables);

    expect(requests.some((r) => /comp=properties|restype=service/.test(r))).toBe(false);
    // Create Table once (cached afterwards), then Query Entities on that table with one row at most.
    expect(requests.filter((r) => r.startsWith('POST ') && /\/Tables(\?|$)/.test(r))).toHaveLength(1);
    const queries = requests.filter((r) => r.startsWith('GET ') && r.includes(`/${prefix}scheduling()`));
    expect(queries).toHaveLength(2);
    for (const query of queries) expect(query).toMatch(/%24top=1|\$top=1/);
  });

  it('fails when storage cannot be reached', async () => {
    const closed = connectionString.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:9');
    const tables = new TableClients(parseSettings({ TABLE_STORAGE_CONNECTION_STRING: closed, TABLE_NAME_PREFIX: uniqueTablePrefix() }));
    await expect(probeTableStorage(tables)).rejects.toBeDefined();
  });
});
