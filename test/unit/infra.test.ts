import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBicepCli, infraCheckRequired } from '../../dev/infra/bicep-cli';
import { infraCheckCommand, runInfraCheck, type InfraCheckResult } from '../../dev/infra/infra-check';
import { checkCompiledTemplate } from '../../dev/infra/template-checks';
import { settingsSchema } from '../../shared/config/settings';

/**
 * infra/main.bicep through the real Bicep compiler and linter (restored from NuGet), then the checks on
 * the compiled ARM JSON. On a machine without .NET these tests are skipped, and say so; in CI
 * (CI=true or INFRA_CHECK_REQUIRED=1) they fail instead.
 */
const repoRoot = path.join(__dirname, '..', '..');
const infraDir = path.join(repoRoot, 'infra');
const cli = ensureBicepCli();
if (!cli.available && infraCheckRequired()) throw new Error(`infra tests cannot run and CI must not skip them: ${cli.reason}`);
if (!cli.available) console.warn(`SKIPPED the Bicep compiler tests: ${cli.reason}`);
const withCompiler = cli.available ? describe : describe.skip;

type Json = Record<string, unknown>;

/** infra/ copied to a temporary folder with one edit, then checked as `npm run infra:check` would. */
function checkWithEdit(file: string, from: string | RegExp, to: string): InfraCheckResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-mistake-'));
  try {
    fs.cpSync(infraDir, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}tools`) });
    const target = path.join(dir, file);
    const before = fs.readFileSync(target, 'utf8');
    const after = before.replace(from, to);
    if (after === before) throw new Error(`the edit did not apply to ${file}: ${String(from)}`);
    fs.writeFileSync(target, after);
    return runInfraCheck(path.join(dir, 'main.bicep'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const problemsOf = (result: InfraCheckResult) => (result.status === 'failed' ? result.problems.join('\n') : `no failure: ${result.status}`);

withCompiler('infra/main.bicep with the real Bicep compiler', () => {
  let template: Json;

  beforeAll(() => {
    const result = runInfraCheck(path.join(infraDir, 'main.bicep'));
    if (result.status !== 'passed')
      throw new Error(`infra check did not pass:\n${result.status === 'failed' ? result.problems.join('\n') : result.reason}`);
    template = result.template;
  });

  it('compiles and lints with no warnings, and the compiled template passes every check', () => {
    expect(checkCompiledTemplate(template)).toEqual([]);
  });

  describe('fails with a clear message on an injected mistake', () => {
    it('a removed api-version', () => {
      const result = checkWithEdit('modules/functionapp.bicep', "'Microsoft.Web/sites@2024-04-01'", "'Microsoft.Web/sites'");
      expect(result.status).toBe('failed');
      expect(problemsOf(result)).toMatch(/functionapp\.bicep\(\d+,\d+\) : Error BCP029: The resource type is not valid/);
    });

    it('an unknown property', () => {
      const result = checkWithEdit('modules/functionapp.bicep', 'httpsOnly: true', 'httpsOnly: true\n    httpsOnlyy: true');
      expect(result.status).toBe('failed');
      expect(problemsOf(result)).toMatch(/functionapp\.bicep\(\d+,\d+\) : Warning BCP037: The property "httpsOnlyy" is not allowed/);
    });

    it('a role assignment without principalType', () => {
      const result = checkWithEdit('modules/roles.bicep', /(resource appTopicSender[\s\S]*?)\n\s*principalType: 'ServicePrincipal'/, '$1');
      expect(result.status).toBe('failed');
      expect(problemsOf(result)).toMatch(
        /module 'roles': Microsoft\.Authorization\/roleAssignments on Microsoft\.ServiceBus\/namespaces\/topics for appPrincipalId: role assignment without principalType/,
      );
    });

    it('a setting the app needs but the template does not set', () => {
      const result = checkWithEdit('main.bicep', /\n\s*SERVICEBUS_TOPIC: messaging\.outputs\.topicName/, '');
      expect(result.status).toBe('failed');
      expect(problemsOf(result)).toMatch(/app setting SERVICEBUS_TOPIC is required by the app .* but the template does not set it/);
    });
  });

  describe('the checks on the compiled template', () => {
    // Mistakes made in the compiled JSON directly: each check must be able to fail.
    const mutated = (edit: (template: Json) => void) => {
      const copy = JSON.parse(JSON.stringify(template)) as Json;
      edit(copy);
      return checkCompiledTemplate(copy).join('\n');
    };
    const resourcesOf = (t: Json): Json[] => {
      const list = Array.isArray(t.resources) ? (t.resources as Json[]) : Object.values(t.resources as Record<string, Json>);
      return list.flatMap((r) => [
        r,
        ...(((r.properties as Json | undefined)?.template as Json | undefined) ? resourcesOf((r.properties as Json).template as Json) : []),
      ]);
    };
    const find = (t: Json, type: string) => resourcesOf(t).filter((r) => r.type === type);
    const moduleNamed = (t: Json, name: string) =>
      resourcesOf(t).find((r) => r.type === 'Microsoft.Resources/deployments' && r.name === name)!;

    it('refuses a role outside the allowed list (the app receiving from Service Bus)', () => {
      expect(
        mutated((t) => {
          const vars = (moduleNamed(t, 'roles').properties as Json).template as Json;
          (vars.variables as Json).serviceBusDataSender = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
        }),
      ).toMatch(
        /roleAssignments on Microsoft\.ServiceBus\/namespaces\/topics for appPrincipalId: role Azure Service Bus Data Receiver is not in the allowed list for the app's identity/,
      );
    });

    it('refuses a custom role that can read the ACS keys', () => {
      expect(
        mutated((t) => {
          const role = find(t, 'Microsoft.Authorization/roleDefinitions')[0]!;
          ((role.properties as Json).permissions as Array<{ actions: string[] }>)[0]!.actions.push(
            'Microsoft.Communication/CommunicationServices/ListKeys/action',
          );
        }),
      ).toMatch(/custom role grants actions outside the allowed list: Microsoft\.Communication\/CommunicationServices\/ListKeys\/action/);
    });

    it('refuses a connection string in an app setting', () => {
      expect(
        mutated((t) => {
          const settings = ((moduleNamed(t, 'functionapp').properties as Json).parameters as Record<string, { value: Json }>).appSettings!
            .value;
          settings.SERVICEBUS_CONNECTION_STRING =
            "[listKeys(resourceId('Microsoft.ServiceBus/namespaces/authorizationRules', 'x', 'RootManageSharedAccessKey'), '2024-01-01').primaryConnectionString]";
        }),
      ).toMatch(/app setting SERVICEBUS_CONNECTION_STRING holds a key or connection string/);
    });

    it('refuses shared key access on storage, local auth on Application Insights, and Node 20', () => {
      const problems = mutated((t) => {
        (find(t, 'Microsoft.Storage/storageAccounts').find((r) => !r.existing)!.properties as Json).allowSharedKeyAccess = true;
        (find(t, 'Microsoft.Insights/components').find((r) => !r.existing)!.properties as Json).DisableLocalAuth = false;
        ((find(t, 'Microsoft.Web/sites')[0]!.properties as Json).functionAppConfig as Json).runtime = { name: 'node', version: '20' };
      });
      expect(problems).toMatch(/storage must deny shared key access/);
      expect(problems).toMatch(/Application Insights must disable local/);
      expect(problems).toMatch(/the function app must run Node 22/);
    });

    it('refuses a function app that does not wait for its roles', () => {
      expect(
        mutated((t) => {
          const app = moduleNamed(t, 'functionapp');
          app.dependsOn = (app.dependsOn as string[]).filter((d) => !d.includes("'roles'"));
        }),
      ).toMatch(/the function app's module does not depend on module 'roles' that grants its roles/);
    });
  });
});

describe('npm run infra:check on a machine without .NET', () => {
  let emptyCache: string;
  beforeAll(() => {
    emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'no-bicep-'));
  });
  afterAll(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
  // No dotnet on PATH and an empty tool cache: what a machine without the .NET SDK sees.
  const noDotnet = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: '/nonexistent', BICEP_TOOLS_DIR: emptyCache });

  it('says what it skipped and why, and passes, on a developer machine', () => {
    const { CI: _ci, INFRA_CHECK_REQUIRED: _required, ...env } = noDotnet();
    const { exitCode, lines } = infraCheckCommand(env);
    expect(exitCode).toBe(0);
    expect(lines.join('\n')).toMatch(
      /infra:check SKIPPED \(bicep build, bicep lint and the template checks did not run\): the \.NET SDK \(dotnet\) is not on PATH/,
    );
  });

  it('fails in CI instead of skipping', () => {
    const { exitCode, lines } = infraCheckCommand({ ...noDotnet(), CI: 'true' });
    expect(exitCode).toBe(1);
    expect(lines.join('\n')).toMatch(/infra:check FAILED: it cannot run here and CI must not skip it/);
  });
});

describe('local settings', () => {
  it('lists every setting with a local default in local.settings.example.json', () => {
    const example = JSON.parse(fs.readFileSync(path.join(repoRoot, 'local.settings.example.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    const azureOnly = new Set(['TABLE_STORAGE_ENDPOINT', 'ACS_ENDPOINT']);
    const missing = Object.keys(settingsSchema.shape).filter((name) => !azureOnly.has(name) && !(name in example.Values));
    expect(missing).toEqual([]);
  });
});
