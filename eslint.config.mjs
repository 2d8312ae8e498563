import fs from 'node:fs';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The parts of the product and what each may import (docs/architecture.md). A file matches the
 * first descriptor whose folder holds it; paths are from the repository root.
 */
const ELEMENTS = [
  { type: 'contracts', pattern: 'contracts' },
  // the OPC UA edge gateway publishes as the devices it bridges with the simulator's device link
  { type: 'edge-gateway', pattern: 'gateway/src/edge' },
  { type: 'gateway', pattern: 'gateway' },
  { type: 'firmware-sim', pattern: 'firmware-sim' },
  { type: 'models', pattern: 'models' },
  { type: 'dashboards', pattern: 'dashboards/src' },
  { type: 'platform-common', pattern: 'platform/src/common' },
  { type: 'platform-database', pattern: 'platform/src/database' },
  // the demo's generated after-sales history is demo data too: it builds on the demo world
  { type: 'platform-demo', pattern: 'platform/src/modules/kpis/history' },
  { type: 'platform-demo', pattern: 'platform/src/modules/demo' },
  { type: 'platform-feature', pattern: 'platform/src/modules/*', capture: ['feature'] },
  // main.ts, platform.ts, app.module.ts, simulator-process.ts: the composition root
  { type: 'platform-root', pattern: 'platform/src' },
  { type: 'tests', pattern: 'tests' },
  { type: 'scripts', pattern: 'scripts' },
].map((element) => ({ ...element, partialMatch: false }));

const to = (...types) => ({ to: { element: { types } } });

const BOUNDARY_POLICIES = [
  { from: { element: { type: 'contracts' } }, allow: to('contracts') },
  { from: { element: { type: 'gateway' } }, allow: to('contracts') },
  { from: { element: { type: 'edge-gateway' } }, allow: to('contracts', 'firmware-sim', 'edge-gateway') },
  { from: { element: { type: 'dashboards' } }, allow: to('contracts') },
  { from: { element: { type: 'firmware-sim' } }, allow: to('contracts') },
  // models generate their training sets with the simulator
  { from: { element: { type: 'models' } }, allow: to('contracts', 'firmware-sim') },
  { from: { element: { type: 'platform-common' } }, allow: to('contracts') },
  { from: { element: { type: 'platform-database' } }, allow: to('contracts', 'platform-common') },
  {
    from: { element: { type: 'platform-feature' } },
    allow: to('contracts', 'models', 'gateway', 'platform-common', 'platform-database', 'platform-feature'),
  },
  {
    from: { element: { types: ['platform-demo', 'platform-root'] } },
    allow: to('platform-*', 'contracts', 'models', 'gateway', 'firmware-sim'),
  },
  { from: { element: { types: ['tests', 'scripts'] } }, allow: { to: { element: { type: '*' } } } },
  // a spec or medium test beside the code may also use the test support (servers, fixtures)
  { from: { file: { path: '**/*.{spec,test}.ts' } }, allow: to('tests') },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      'dashboards/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': import.meta.dirname,
      'boundaries/elements': ELEMENTS,
      'import/resolver': {
        node: {
          extensions: ['.ts', '.d.ts', '.js', '.json'],
          // The dashboards import their own modules as `./x.js`, as the browser loads them; the source is x.ts.
          isFile: (file) =>
            fs.statSync(file, { throwIfNoEntry: false })?.isFile() ??
            (file.endsWith('.js') && fs.existsSync(`${file.slice(0, -'.js'.length)}.ts`)),
        },
      },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: BOUNDARY_POLICIES }],
    },
  },
);
