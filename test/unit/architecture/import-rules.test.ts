/** The layer rules of eslint.config.js (docs/architecture.md "Layers") catch imports that point outward. */
import path from 'node:path';
import { ESLint } from 'eslint';

const repoRoot = path.resolve(__dirname, '../../..');
// The repo's own config, loaded with require: ESLint's loader uses a dynamic import jest cannot run.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(repoRoot, 'eslint.config.js')) as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig: config });

/** Lints `source` as if it were the file at `file` (relative to the repo) and returns the restricted-import messages. */
async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer import rules', () => {
  it('refuses a domain file importing an adapter', async () => {
    const messages = await restrictedImports(
      'shared/domain/appointments/fixture.ts',
      "import { TableAppointmentStore } from '../../adapters/tables/appointment-store';\nexport const s = TableAppointmentStore;\n",
    );
    expect(messages).toEqual([expect.stringContaining('shared/domain is pure')]);
  });

  it('refuses a domain file importing a use case, a Node built-in or an Azure SDK', async () => {
    const messages = await restrictedImports(
      'shared/domain/lifecycle/fixture.ts',
      [
        "import { bookAppointment } from '../../app/appointments/book-appointment';",
        "import { randomUUID } from 'node:crypto';",
        "import { readFileSync } from 'fs';",
        "import type { TableClient } from '@azure/data-tables';",
        'export type T = [typeof bookAppointment, typeof randomUUID, typeof readFileSync, TableClient];',
      ].join('\n'),
    );
    expect(messages).toHaveLength(4);
  });

  it('refuses an app file importing an adapter or an SDK, and allows ports and the domain', async () => {
    const refused = await restrictedImports(
      'shared/app/appointments/fixture.ts',
      [
        "import { createLogger } from '../../adapters/logging/logger';",
        "import { jwtVerify } from 'jose';",
        "import { ServiceBusClient } from '@azure/service-bus';",
        'export const x = [createLogger, jwtVerify, ServiceBusClient];',
      ].join('\n'),
    );
    expect(refused).toHaveLength(3);
    const allowed = await restrictedImports(
      'shared/app/appointments/fixture.ts',
      [
        "import type { AppointmentStore } from '../ports/appointment-store';",
        "import { occupiedInterval } from '../../domain/appointments/appointment';",
        "import { createHash } from 'node:crypto';",
        'export const x = [occupiedInterval, createHash];',
        'export type S = AppointmentStore;',
      ].join('\n'),
    );
    expect(allowed).toEqual([]);
  });

  it('refuses a function importing a table adapter or an SDK, and allows the registration APIs', async () => {
    const refused = await restrictedImports(
      'functions/http/fixture.ts',
      [
        "import { TableClient } from '@azure/data-tables';",
        "import { tableClients } from '../../shared/adapters/tables/table-clients';",
        'export const x = [TableClient, tableClients];',
      ].join('\n'),
    );
    expect(refused).toHaveLength(2);
    const allowed = await restrictedImports(
      'functions/http/fixture.ts',
      [
        "import { app } from '@azure/functions';",
        "import * as df from 'durable-functions';",
        "import { getServices } from '../../shared/composition-root';",
        'export const x = [app, df, getServices];',
      ].join('\n'),
    );
    expect(allowed).toEqual([]);
  });
});
