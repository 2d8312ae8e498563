// Builds the dashboards web app: type-checks it, copies the static files and bundles `dashboards/src/main.tsx`
// (with socket.io-client and whatever it takes from contracts/) into `js/main.js`, an ES module, and the
// chunks its pages import on demand.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dashboards = join(root, 'dashboards');
// The platform serves this folder (DASHBOARDS_DIR in platform/src/platform.ts).
const outDir = join(root, 'dist', 'dashboards', 'public');

// esbuild strips types without checking them, so tsc checks first and a type error fails the build.
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const typecheck = spawnSync(process.execPath, [tsc, '-p', join(dashboards, 'tsconfig.json'), '--noEmit'], {
  stdio: 'inherit',
});
if (typecheck.status !== 0) {
  console.error(`dashboards: tsc failed with exit code ${typecheck.status ?? typecheck.signal}`);
  process.exit(typecheck.status ?? 1);
}

// Start clean: files of an earlier build (the per-module output of the old tsc build) must not linger.
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
cpSync(join(dashboards, 'public'), outDir, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: [join(dashboards, 'src', 'main.tsx')],
  // `js/main.js`, plus chunks for what a page imports on demand (the dispatch map's country outlines)
  outdir: join(outDir, 'js'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  tsconfig: join(dashboards, 'tsconfig.json'),
  bundle: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  // Always minified: the source map is enough to debug, and every build then ships what production gets.
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

// A value import from contracts/ drags zod and every schema along (about 450 KiB): the app takes types
// with `import type` and spells event names as literals that tsc checks against contracts/.
const zodInputs = Object.keys(result.metafile.inputs).filter((file) => file.includes('node_modules/zod/'));
if (zodInputs.length > 0) {
  console.error(
    `dashboards: zod is in the bundle (${zodInputs.length} files); import contracts with \`import type\``,
  );
  process.exit(1);
}

// The map outlines (about 750 KiB of TopoJSON) load with the dispatch board only, never with the app.
const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint);
const atlasInEntry = Object.keys(entry?.[1].inputs ?? {}).filter((file) =>
  file.includes('node_modules/world-atlas/'),
);
if (atlasInEntry.length > 0) {
  console.error('dashboards: the world-atlas outlines are in main.js; import them with a dynamic import()');
  process.exit(1);
}

// The sign-in page carries the common words only: each workspace's catalogue areas travel with its
// routes chunk and are registered when it loads (app/routes.ts), so a value import of an area file
// (or of i18n/messages/index.ts) from the shell would put every role's words in every first download.
const signInFiles = new Set();
const pending = [entry?.[0]].filter(Boolean);
while (pending.length > 0) {
  const file = pending.pop();
  if (signInFiles.has(file)) continue;
  signInFiles.add(file);
  for (const { path, kind } of result.metafile.outputs[file]?.imports ?? []) {
    if (kind === 'import-statement') pending.push(path);
  }
}
const areaCatalogues = [...signInFiles].flatMap((file) =>
  Object.keys(result.metafile.outputs[file].inputs).filter(
    (input) => /\.messages\.ts$|i18n\/messages\/index\.ts$/.test(input),
  ),
);
if (areaCatalogues.length > 0) {
  console.error(`dashboards: workspace catalogues load with the sign-in page: ${areaCatalogues.join(', ')}`);
  process.exit(1);
}

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) console.log(`dashboards: ${file} ${(bytes / 1024).toFixed(1)} KiB`);
}
console.log(`dashboards: built into ${relative(root, outDir)}`);
