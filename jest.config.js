/** @type {import('jest').Config} */
const swc = [
  '<rootDir>/tests/support/jest-transform.js',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
// aedes 1.x and some of its dependencies are ESM-only; jest's module loader cannot require()
// them, so swc turns them into CommonJS like our own sources.
const esmOnly = [
  'aedes',
  'aedes-packet',
  'aedes-persistence',
  'mqemitter',
  'hyperid',
  'fastfall',
  'fastparallel',
  'fastseries',
  'reusify',
  'retimer',
  'uuid-parse',
  'p-queue',
  'p-timeout',
  'hexy',
];

module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/contracts',
    '<rootDir>/gateway',
    '<rootDir>/firmware-sim',
    '<rootDir>/platform',
    '<rootDir>/models',
    '<rootDir>/tests',
  ],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 60000,
  // A worker that has run many files holds their leaked module registries and TensorFlow.js wasm
  // heaps; past this it is replaced, so the files that run late are not slowed by its garbage.
  workerIdleMemoryLimit: '1GB',
  // PGlite keeps a worker alive briefly after close; do not let it hold the run open.
  forceExit: true,
  setupFiles: ['<rootDir>/tests/support/jest-setup.ts'],
};

// `.ci/run` asks for a machine-readable report to print its closing summary line.
if (process.env.JEST_JSON) {
  module.exports.reporters = [
    'default',
    ['<rootDir>/tests/support/json-summary-reporter.js', { outputFile: process.env.JEST_JSON }],
  ];
}
