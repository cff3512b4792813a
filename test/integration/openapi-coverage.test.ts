/** Every HTTP function the app registers is described in the OpenAPI document it serves, and vice versa. */
import fs from 'node:fs';
import path from 'node:path';
import { FunctionsCoreStandIn } from '../../dev/host/functions-core-stand-in';

const standIn = new FunctionsCoreStandIn(() => undefined);
jest.mock('@azure/functions-core', () => standIn.api, { virtual: true });

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('OpenAPI coverage', () => {
  it('documents exactly the registered HTTP operations', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const file of tsFiles(path.join(__dirname, '..', '..', 'functions'))) require(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { openApiDocument } = require('../../shared/adapters/http/openapi') as typeof import('../../shared/adapters/http/openapi');

    const registered = standIn.registrations.flatMap((registration) => {
      const trigger = Object.values(registration.bindings).find((b) => b.type === 'httpTrigger');
      if (!trigger || String(trigger.route).includes('{*')) return []; // the catch-all 404 is not an operation
      return (trigger.methods as string[]).filter((m) => m !== 'OPTIONS').map((m) => `${m} /${String(trigger.route)}`);
    });
    const doc = openApiDocument('http://localhost:7071/api') as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([route, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${route}`));
    expect(registered.length).toBeGreaterThan(20);
    expect(documented.sort()).toEqual(registered.sort());
  });
});
