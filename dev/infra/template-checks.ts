import { settingsSchema } from '../../shared/config/settings';

/**
 * Checks on the ARM JSON that `bicep build` compiles from infra/main.bicep: the rules the compiler
 * cannot know (least privilege, keyless settings, what the app needs to start).
 */

type Json = Record<string, unknown>;
interface Located {
  resource: Json;
  /** The template (top level or a module's) that declares it, for its variables. */
  template: Json;
  /** Its symbolic name, where the compiled template keeps one. */
  symbol?: string;
  /** The Microsoft.Resources/deployments resource whose template holds it; undefined at the top level. */
  deployment: Json | undefined;
}

/** Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const BUILT_IN_ROLES: Record<string, string> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39': 'Azure Service Bus Data Sender',
  '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0': 'Azure Service Bus Data Receiver',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
};

/** Which built-in roles each kind of principal may get; anything else (Owner, Contributor, ...) is refused. */
export const ALLOWED_ROLES: Record<'app' | 'deployer', string[]> = {
  // The function app's user-assigned identity.
  app: [
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
    '3913510d-42f4-4e42-8a64-420c390055eb',
  ],
  // The person running `azd up`, for debugging against Azure: data roles only, reading events too.
  deployer: [
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
    '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  ],
};

/** The only actions a custom role of this template may grant (the ACS data plane under Entra ID, without keys). */
export const ALLOWED_CUSTOM_ROLE_ACTIONS = new Set([
  'Microsoft.Communication/CommunicationServices/Read',
  'Microsoft.Communication/CommunicationServices/Write',
  'Microsoft.Communication/EmailServices/Write',
]);

/** Settings of the app's schema that only the local stack uses (connection strings, dev certificates). */
export const LOCAL_ONLY_SETTINGS = new Set([
  'TABLE_STORAGE_CONNECTION_STRING',
  'ACS_CONNECTION_STRING',
  'ACS_CA_CERT_PATH',
  'SERVICEBUS_CONNECTION_STRING',
  'GRAPH_CA_CERT_PATH',
]);

/** What the Functions host itself needs to run keyless on Flex Consumption. */
export const RUNTIME_SETTINGS = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'AZURE_CLIENT_ID',
  'AZURE_TOKEN_CREDENTIALS',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
];

/** Every setting the deployed app must be given: the runtime's, and the schema's less the local-only ones. */
export function requiredAppSettings(): string[] {
  return [...RUNTIME_SETTINGS, ...Object.keys(settingsSchema.shape).filter((name) => !LOCAL_ONLY_SETTINGS.has(name))];
}

/** Every resource, with the nested deployment (module) it sits in. */
function allResources(template: Json, deployment?: Json): Located[] {
  const resources = template.resources;
  const list: Array<[string | undefined, Json]> = Array.isArray(resources)
    ? (resources as Json[]).map((r) => [undefined, r])
    : Object.entries((resources ?? {}) as Record<string, Json>);
  return list.flatMap(([symbol, resource]) => {
    const here: Located = { resource, template, deployment, symbol };
    const nested = (resource.properties as Json | undefined)?.template as Json | undefined;
    return resource.type === 'Microsoft.Resources/deployments' && nested ? [here, ...allResources(nested, resource)] : [here];
  });
}

const ofType = (all: Located[], type: string) => all.filter(({ resource }) => String(resource.type).toLowerCase() === type.toLowerCase());
const shorten = (text: string) => (text.length > 90 ? `${text.slice(0, 87)}...` : text);
/** Compiled names are expressions; a role assignment is named by what it is on and for whom instead. */
function describe({ resource, symbol }: Located): string {
  if (symbol) return symbol;
  if (String(resource.type) === 'Microsoft.Authorization/roleAssignments') {
    const on = /'(Microsoft\.[A-Za-z]+\/[A-Za-z/]+)'/.exec(`${String(resource.scope ?? '')} ${String(resource.name)}`)?.[1] ?? 'its scope';
    const principal = String((resource.properties as Json | undefined)?.principalId ?? '?').replace(/^\[parameters\('([^']+)'\)\]$/, '$1');
    return `on ${on} for ${principal}`;
  }
  return shorten(String(resource.name));
}
const label = (located: Located) =>
  `${located.deployment ? `module '${String(located.deployment.name)}': ` : ''}${String(located.resource.type)} ${describe(located)}`;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The role ids an expression names: literal GUIDs, or GUIDs held by the variables it reads (all items of an array). */
function roleIdsIn(expression: string, template: Json, depth = 0): string[] {
  const variables = (template.variables ?? {}) as Record<string, unknown>;
  const fromVariables =
    depth > 5
      ? []
      : [...expression.matchAll(/variables\('([^']+)'\)/g)].flatMap((m) =>
          roleIdsIn(JSON.stringify(variables[m[1]!] ?? ''), template, depth + 1),
        );
  return [...(expression.match(GUID) ?? []).map((id) => id.toLowerCase()), ...fromVariables];
}

/**
 * The app settings object: written out, or an expression such as
 * `[union(parameters('appSettings'), createObject('PUBLIC_BASE_URL', ...))]`, read from what the caller
 * passed the module plus the keys the expression adds.
 */
function resolveSettings(value: unknown, deployment: Json | undefined): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  if (typeof value !== 'string' || !value.startsWith('[')) return undefined;
  const parameters = ((deployment?.properties as Json | undefined)?.parameters ?? {}) as Record<string, { value?: unknown }>;
  const merged: Record<string, unknown> = {};
  for (const m of value.matchAll(/parameters\('([^']+)'\)/g)) {
    const passed = parameters[m[1]!]?.value;
    if (typeof passed === 'object' && passed !== null) Object.assign(merged, passed);
  }
  for (const m of value.matchAll(/createObject\('([^']+)'/g)) merged[m[1]!] = value;
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function checkRoleAssignments(all: Located[]): string[] {
  const problems: string[] = [];
  const customRoles = ofType(all, 'Microsoft.Authorization/roleDefinitions');
  for (const located of ofType(all, 'Microsoft.Authorization/roleAssignments')) {
    const properties = (located.resource.properties ?? {}) as Json;
    const principalType = properties.principalType;
    if (principalType === undefined) {
      problems.push(
        `${label(located)}: role assignment without principalType (a new identity may not have replicated yet; set ServicePrincipal or the deployer's type)`,
      );
      continue;
    }
    const principal = principalType === 'ServicePrincipal' ? 'app' : 'deployer';
    const roleId = String(properties.roleDefinitionId);
    const custom = customRoles.find(({ resource }) => roleId.includes(String(resource.name).replace(/^\[|\]$/g, '')));
    if (custom) {
      const permissions = ((custom.resource.properties as Json).permissions ?? []) as Array<{ actions?: string[]; dataActions?: string[] }>;
      const granted = permissions.flatMap((p) => [...(p.actions ?? []), ...(p.dataActions ?? [])]);
      const extra = granted.filter((action) => !ALLOWED_CUSTOM_ROLE_ACTIONS.has(action));
      if (extra.length > 0) problems.push(`${label(located)}: custom role grants actions outside the allowed list: ${extra.join(', ')}`);
      continue;
    }
    const ids = roleIdsIn(roleId, located.template);
    const who = principal === 'app' ? "app's identity" : 'deploying user';
    if (ids.length === 0) problems.push(`${label(located)}: cannot tell which role ${shorten(roleId)} grants`);
    for (const id of ids.filter((id) => !ALLOWED_ROLES[principal].includes(id))) {
      problems.push(`${label(located)}: role ${BUILT_IN_ROLES[id] ?? id} is not in the allowed list for the ${who}`);
    }
  }
  return problems;
}

function appSettingsOf(all: Located[]): { located: Located; settings: Record<string, unknown> } | undefined {
  const located = ofType(all, 'Microsoft.Web/sites/config').find(({ resource }) => String(resource.name).includes('appsettings'));
  if (!located) return undefined;
  const settings = resolveSettings(located.resource.properties, located.deployment);
  return settings ? { located, settings } : undefined;
}

function checkAppSettings(all: Located[]): string[] {
  const found = appSettingsOf(all);
  if (!found)
    return ['no Microsoft.Web/sites/config appsettings resource whose settings can be read (write them as one object the module receives)'];
  const problems: string[] = [];
  const missing = requiredAppSettings().filter((name) => !(name in found.settings));
  for (const name of missing)
    problems.push(
      `app setting ${name} is required by the app (shared/config/settings.ts or the keyless runtime) but the template does not set it`,
    );
  const keyLike = /listKeys|AccountKey=|SharedAccessKey|accesskey=|InstrumentationKey=/i;
  for (const [name, value] of Object.entries(found.settings)) {
    if (name === 'APPLICATIONINSIGHTS_CONNECTION_STRING') continue; // not a credential once local auth is disabled (checked below)
    if (keyLike.test(String(value)) || (/CONNECTION_STRING|_KEY$|PASSWORD|SECRET/i.test(name) && value !== '')) {
      problems.push(`app setting ${name} holds a key or connection string; the app must reach Azure with its managed identity`);
    }
  }
  return problems;
}

function checkResources(all: Located[]): string[] {
  const problems: string[] = [];
  for (const located of ofType(all, 'Microsoft.Storage/storageAccounts')) {
    if (located.resource.existing) continue;
    if ((located.resource.properties as Json | undefined)?.allowSharedKeyAccess !== false)
      problems.push(`${label(located)}: storage must deny shared key access (allowSharedKeyAccess: false)`);
  }
  for (const located of ofType(all, 'Microsoft.Insights/components')) {
    if ((located.resource.properties as Json | undefined)?.DisableLocalAuth !== true)
      problems.push(`${label(located)}: Application Insights must disable local (instrumentation key) auth`);
  }
  const sites = ofType(all, 'Microsoft.Web/sites').filter(({ resource }) => !resource.existing);
  if (sites.length === 0) problems.push('no function app (Microsoft.Web/sites) in the template');
  for (const located of sites) {
    const runtime = (((located.resource.properties as Json | undefined)?.functionAppConfig as Json | undefined)?.runtime ?? {}) as Json;
    if (runtime.name !== 'node' || runtime.version !== '22')
      problems.push(`${label(located)}: the function app must run Node 22 (functionAppConfig.runtime is ${JSON.stringify(runtime)})`);
    // The app's roles must exist before the host starts and before the first package upload.
    const roleModules = ofType(all, 'Microsoft.Authorization/roleAssignments')
      .filter(({ resource }) => (resource.properties as Json | undefined)?.principalType === 'ServicePrincipal')
      .map(({ deployment }) => deployment);
    const dependsOn = ((located.deployment?.dependsOn ?? []) as string[]).join(' ');
    for (const roleModule of new Set(roleModules)) {
      if (!roleModule || roleModule === located.deployment) continue;
      const name = String(roleModule.name);
      if (!dependsOn.includes(`'${name}'`))
        problems.push(`${label(located)}: the function app's module does not depend on module '${name}' that grants its roles`);
    }
  }
  return problems;
}

/** Every problem found in a compiled template; empty when it passes. */
export function checkCompiledTemplate(template: Json): string[] {
  const all = allResources(template);
  return [...checkRoleAssignments(all), ...checkAppSettings(all), ...checkResources(all)];
}

/** azd fills main.parameters.json from its environment: it must name only real parameters and every required one. */
export function checkParametersFile(template: Json, parametersFile: Json): string[] {
  const declared = (template.parameters ?? {}) as Record<string, Json>;
  const given = Object.keys((parametersFile.parameters ?? {}) as Json);
  const unknown = given
    .filter((name) => !(name in declared))
    .map((name) => `main.parameters.json sets '${name}', which main.bicep does not declare`);
  const missing = Object.entries(declared)
    .filter(([name, p]) => !('defaultValue' in p) && !given.includes(name))
    .map(([name]) => `main.bicep requires parameter '${name}' but main.parameters.json does not set it (azd up --no-prompt would stop)`);
  return [...unknown, ...missing];
}
