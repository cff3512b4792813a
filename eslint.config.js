const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// The layers of docs/architecture.md, enforced: imports point inward (functions -> app -> domain) and
// only adapters touch SDKs. Patterns match the import specifier (relative paths included).
const nodeBuiltins = [...builtinModules.filter((name) => !name.startsWith('_')), 'node:*'];
const adapterPaths = ['**/adapters', '**/adapters/**'];
const appPaths = ['**/app', '**/app/**'];
const sdkModules = ['@azure/*', 'durable-functions', 'jose', 'cloudevents', 'rhea'];

const layerRules = [
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...appPaths, ...adapterPaths], message: 'shared/domain is pure: it imports no app or adapter module.' },
            { group: nodeBuiltins, message: 'shared/domain does no I/O: no Node built-in modules.' },
            { group: ['@azure/*'], message: 'shared/domain imports no Azure SDK.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: adapterPaths, message: 'shared/app talks to the outside through its ports (shared/app/ports), never an adapter.' },
            { group: sdkModules, message: 'shared/app imports no SDK: adapters in shared/adapters wrap them behind ports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/tables', '**/adapters/tables/**'],
              message: 'functions/ reach storage through shared/ use cases and the composition root.',
            },
            // The registration APIs (@azure/functions, durable-functions) are what functions/ is for.
            {
              group: ['@azure/*', '!@azure/functions', 'jose', 'cloudevents', 'rhea'],
              message: 'functions/ use SDKs only through shared/.',
            },
          ],
        },
      ],
    },
  },
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '.deploy/**', '.tools/**', '.ci/node22/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
);
