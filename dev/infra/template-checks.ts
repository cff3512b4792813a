import { settingsSchema } from '../../shared/config/settings';

/**
 * Checks on the ARM JSON that `bicep build` compiles from infra/main.bicep: the rules the compiler
 * cannot know (least privilege, keyless settings, what the app needs to start).
 */

type Json = Record<string, unknown>;
interface Located {
  resource: Json;
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
export const LOCAL_ONLY_SETTINGS = new Set(['TABLE_STORAGE_CONNECTION_STRING', 'ACS_CONNECTION_STRING', 'ACS_CA_CERT_PATH', 'SERVICEBUS_CONNECTION_STRING']);

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
  const list: Json[] = Array.isArray(resources) ? (resources as Json[]) : Object.values((resources ?? {}) as Record<string, Json>);
  return list.flatMap((resource) => {
    const here: Located = { resource, deployment };
    const nested = (resource.properties as Json | undefined)?.template as Json | undefined;
    return resource.type === 'Microsoft.Resources/deployments' && nested ? [here, ...allResources(nested, resource)] : [here];
  });
}

const ofType = (all: Located[], type: string) => all.filter(({ resource }) => String(resource.type).toLowerCase() === type.toLowerCase());
const label = ({ resource, deployment }: Located) => `${deployment ? `module '${String(deployment.name)}': ` : ''}${String(resource.type)} '${String(resource.name)}'`;
const guidIn = (value: unknown) => /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(String(value))?.[0]?.toLowerCase();

/** A value that is `[parameters('x')]` is read from the module's parameters, so checks see what the caller passed. */
function resolveParameter(value: unknown, deployment: Json | undefined): unknown {
  const match = typeof value === 'string' ? /^\[parameters\('([^']+)'\)\]$/.exec(value) : null;
  if (!match || !deployment) return value;
  const parameters = (deployment.properties as Json).parameters as Record<string, { value?: unknown }> | undefined;
  return parameters?.[match[1]!]?.value ?? value;
}

function checkRoleAssignments(all: Located[]): string[] {
  const problems: string[] = [];
  const customRoles = ofType(all, 'Microsoft.Authorization/roleDefinitions');
  for (const located of ofType(all, 'Microsoft.Authorization/roleAssignments')) {
    const properties = (located.resource.properties ?? {}) as Json;
    const principalType = properties.principalType;
    if (principalType === undefined) {
      problems.push(`${label(located)}: role assignment without principalType (a new identity may not have replicated yet; set ServicePrincipal or the deployer's type)`);
      continue;
    }
    const principal = principalType === 'ServicePrincipal' ? 'app' : 'deployer';
    const roleId = String(properties.roleDefinitionId);
    const builtIn = guidIn(roleId);
    if (builtIn && ALLOWED_ROLES[principal].includes(builtIn)) continue;
    const custom = customRoles.find(({ resource }) => roleId.includes(`'${String(resource.name).replace(/^\[|\]$/g, '')}'`) || roleId.includes(String(resource.name).replace(/^\[|\]$/g, '')));
    if (!builtIn && custom) {
      const permissions = (((custom.resource.properties as Json).permissions ?? []) as Array<{ actions?: string[]; dataActions?: string[] }>);
      const granted = permissions.flatMap((p) => [...(p.actions ?? []), ...(p.dataActions ?? [])]);
      const extra = granted.filter((action) => !ALLOWED_CUSTOM_ROLE_ACTIONS.has(action));
      if (extra.length > 0) problems.push(`${label(located)}: custom role grants actions outside the allowed list: ${extra.join(', ')}`);
      continue;
    }
    const name = builtIn ? (BUILT_IN_ROLES[builtIn] ?? builtIn) : roleId;
    problems.push(`${label(located)}: role ${name} is not in the allowed list for the ${principal === 'app' ? "app's identity" : 'deploying user'}`);
  }
  return problems;
}

function appSettingsOf(all: Located[]): { located: Located; settings: Record<string, unknown> } | undefined {
  const located = ofType(all, 'Microsoft.Web/sites/config').find(({ resource }) => String(resource.name).includes('appsettings'));
  if (!located) return undefined;
  const settings = resolveParameter(located.resource.properties, located.deployment);
  return typeof settings === 'object' && settings !== null ? { located, settings: settings as Record<string, unknown> } : undefined;
}

function checkAppSettings(all: Located[]): string[] {
  const found = appSettingsOf(all);
  if (!found) return ['no Microsoft.Web/sites/config appsettings resource whose settings can be read (write them as one object the module receives)'];
  const problems: string[] = [];
  const missing = requiredAppSettings().filter((name) => !(name in found.settings));
  for (const name of missing) problems.push(`app setting ${name} is required by the app (shared/config/settings.ts or the keyless runtime) but the template does not set it`);
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
    if ((located.resource.properties as Json | undefined)?.allowSharedKeyAccess !== false) problems.push(`${label(located)}: storage must deny shared key access (allowSharedKeyAccess: false)`);
  }
  for (const located of ofType(all, 'Microsoft.Insights/components')) {
    if ((located.resource.properties as Json | undefined)?.DisableLocalAuth !== true) problems.push(`${label(located)}: Application Insights must disable local (instrumentation key) auth`);
  }
  const sites = ofType(all, 'Microsoft.Web/sites').filter(({ resource }) => !resource.existing);
  if (sites.length === 0) problems.push('no function app (Microsoft.Web/sites) in the template');
  for (const located of sites) {
    const runtime = (((located.resource.properties as Json | undefined)?.functionAppConfig as Json | undefined)?.runtime ?? {}) as Json;
    if (runtime.name !== 'node' || runtime.version !== '22') problems.push(`${label(located)}: the function app must run Node 22 (functionAppConfig.runtime is ${JSON.stringify(runtime)})`);
    // The app's roles must exist before the host starts and before the first package upload.
    const roleModules = ofType(all, 'Microsoft.Authorization/roleAssignments')
      .filter(({ resource }) => (resource.properties as Json | undefined)?.principalType === 'ServicePrincipal')
      .map(({ deployment }) => deployment);
    const dependsOn = ((located.deployment?.dependsOn ?? []) as string[]).join(' ');
    for (const roleModule of new Set(roleModules)) {
      if (!roleModule || roleModule === located.deployment) continue;
      const name = String(roleModule.name);
      if (!dependsOn.includes(`'${name}'`)) problems.push(`${label(located)}: the function app's module does not depend on module '${name}' that grants its roles`);
    }
  }
  return problems;
}

/** Every problem found in a compiled template; empty when it passes. */
export function checkCompiledTemplate(template: Json): string[] {
  const all = allResources(template);
  return [...checkRoleAssignments(all), ...checkAppSettings(all), ...checkResources(all)];
}
