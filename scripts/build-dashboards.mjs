// Builds the dashboards web app: copies the static files and compiles the TypeScript, with no bundler.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'dashboards', 'public');

mkdirSync(outDir, { recursive: true });
cpSync(join(root, 'dashboards', 'public'), outDir, { recursive: true });

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'dashboards', 'tsconfig.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error(`dashboards: tsc failed with exit code ${result.status ?? result.signal}`);
  process.exit(result.status ?? 1);
}
console.log(`dashboards: built into ${outDir}`);
