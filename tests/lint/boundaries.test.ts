/**
 * The architecture's import rules are enforced by `npm run lint`: the repository's own
 * eslint.config.mjs (type-aware rules included) lints snippets in place of real files, so nothing
 * is written to the tree. Real: ESLint, the boundaries plugin, the resolver, the TypeScript project.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const DEMO_DIR = path.join(ROOT, 'platform/src/modules/demo');

function boundaryErrors(results: ESLint.LintResult[]): Linter.LintMessage[] {
  return results
    .flatMap((r) => r.messages)
    .filter((m) => m.ruleId?.startsWith('boundaries/') && m.severity === 2);
}

describe('architecture boundaries in npm run lint', () => {
  const eslint = new ESLint({ cwd: ROOT });

  it('rejects the gateway importing the platform, naming both sides', async () => {
    const code = [
      "import { startPlatform } from '../../platform/src/platform';",
      "import { MAX_PAYLOAD_BYTES } from '../../contracts/src';",
      'export const uses = [startPlatform, MAX_PAYLOAD_BYTES];',
    ].join('\n');

    const errors = boundaryErrors(
      await eslint.lintText(code, { filePath: path.join(ROOT, 'gateway/src/index.ts') }),
    );

    expect(errors).toEqual([
      expect.objectContaining({
        ruleId: 'boundaries/dependencies',
        line: 1,
        message: expect.stringMatching(/from elements of type "gateway" to elements of type "platform-root"/),
      }),
    ]);
  });

  it('rejects a platform feature importing demo code, and lets it import another feature', async () => {
    const demoFile = fs
      .readdirSync(DEMO_DIR)
      .find((name) => name.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(name));
    expect(demoFile).toBeDefined();
    const code = [
      `import * as demo from '../demo/${demoFile!.replace(/\.ts$/, '')}';`,
      "import { DevicesService } from '../devices/devices.service';",
      'export const uses = [demo, DevicesService];',
    ].join('\n');

    const errors = boundaryErrors(
      await eslint.lintText(code, {
        filePath: path.join(ROOT, 'platform/src/modules/health/metrics.service.ts'),
      }),
    );

    expect(errors).toEqual([
      expect.objectContaining({
        ruleId: 'boundaries/dependencies',
        line: 1,
        message: expect.stringMatching(
          /"platform-feature".*feature="health".* to elements of type "platform-demo"/,
        ),
      }),
    ]);
  });
});
