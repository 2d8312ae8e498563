/**
 * Small test. Real: package.json's scripts, and a node process (the one running the tests, Node
 * 20 or 24) started with the platform's flags. Nothing is mocked.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PLATFORM_NODE_FLAGS } from './product-process';

const scripts = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** A burst whose objects live a while (a backlog of readings): V8 grows the young generation. */
const BURST = `
const v8 = require('node:v8');
let kept = [];
for (let i = 0; i < 3e6; i++) { kept.push({ seq: i, at: 'reading-' + i }); if (kept.length > 200000) kept = []; }
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
process.stdout.write(String(young.space_size));
`;

describe('the node flags the platform runs with', () => {
  it('are the ones npm start and npm run bench pass to node', () => {
    for (const name of ['start', 'bench']) {
      const command = scripts[name].match(/\bnode ((?:--[\w-]+=?\S* )*)dist\//);
      expect(command).not.toBeNull();
      expect(command?.[1].trim().split(/\s+/)).toEqual(PLATFORM_NODE_FLAGS);
    }
  });

  it('keep the young generation at two 8 MB semi-spaces through a burst, on the node running the tests', () => {
    const run = spawnSync(process.execPath, [...PLATFORM_NODE_FLAGS, '-e', BURST], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const youngMb = Number(run.stdout) / 2 ** 20;
    // grown past its initial 1 MB semi-spaces, and no further than 2 x 8 MB (+ V8's own pages)
    expect(youngMb).toBeGreaterThan(4);
    expect(youngMb).toBeLessThanOrEqual(18);
  });
});
