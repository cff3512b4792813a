import fs from 'node:fs';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { settingsSchema } from '../../shared/config/settings';

/**
 * No Bicep compiler can be installed here, so the templates are parsed with the tree-sitter Bicep
 * grammar (syntax) and cross-checked against the app's settings schema (the app settings Azure gets).
 */
const infraDir = path.join(__dirname, '..', '..', 'infra');
const bicepFiles = [path.join(infraDir, 'main.bicep'), ...fs.readdirSync(path.join(infraDir, 'modules')).map((f) => path.join(infraDir, 'modules', f))];

// Settings that only make sense on the local stack (connection strings, dev certificates and keys).
const LOCAL_ONLY = new Set(['TABLE_STORAGE_CONNECTION_STRING', 'ACS_CONNECTION_STRING', 'ACS_CA_CERT_PATH', 'DEV_ISSUER_KEY_FILE']);

let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  parser = new Parser();
  parser.setLanguage(await Language.load(fs.readFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'))));
});

describe('infra (Bicep)', () => {
  it.each(bicepFiles.map((file) => [path.relative(infraDir, file), file]))('%s parses without syntax errors', (_name, file) => {
    const tree = parser.parse(fs.readFileSync(file, 'utf8'))!;
    expect(tree.rootNode.hasError).toBe(false);
  });

  it('references only module files that exist', () => {
    const main = fs.readFileSync(path.join(infraDir, 'main.bicep'), 'utf8');
    const modules = [...main.matchAll(/module \w+ '([^']+)'/g)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThan(3);
    for (const module of modules) expect(fs.existsSync(path.join(infraDir, module))).toBe(true);
  });

  it('gives the function app every setting the app reads in Azure', () => {
    const main = fs.readFileSync(path.join(infraDir, 'main.bicep'), 'utf8');
    const appSettingsBlock = main.slice(main.indexOf('appSettings: {'));
    const missing = Object.keys(settingsSchema.shape).filter(
      (name) => !LOCAL_ONLY.has(name) && !new RegExp(`\\b${name}:`).test(appSettingsBlock),
    );
    expect(missing).toEqual([]);
  });

  it('lists every setting with a local default in local.settings.example.json', () => {
    const example = JSON.parse(fs.readFileSync(path.join(infraDir, '..', 'local.settings.example.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    const azureOnly = new Set(['TABLE_STORAGE_ENDPOINT', 'ACS_ENDPOINT']);
    const missing = Object.keys(settingsSchema.shape).filter((name) => !azureOnly.has(name) && !(name in example.Values));
    expect(missing).toEqual([]);
  });
});
