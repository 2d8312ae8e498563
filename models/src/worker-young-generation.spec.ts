import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { semiSpaceFlagMb } from './worker-young-generation';

const COMPILED = path.resolve(__dirname, '../../dist/models/src/worker-young-generation.js');

/** A worker that keeps a rolling window of objects alive (survivors, which grow a young generation), then reports its new space. */
const SURVIVORS = `
const v8 = require('node:v8');
const { parentPort } = require('node:worker_threads');
const keep = new Array(200000);
for (let i = 0; i < 3e6; i++) keep[i % 200000] = { a: i, b: [i] };
const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
parentPort.postMessage(space.space_size / 1048576);
`;

/** The new space of a worker started in a node run with --max-semi-space-size=16, with the helper or plainly. */
function newSpaceMb(how: 'helper' | 'plain'): number {
  const main = `
const { Worker } = require('node:worker_threads');
const { workerWithYoungGeneration } = require(${JSON.stringify(COMPILED)});
const code = ${JSON.stringify(SURVIVORS)};
const worker = ${how === 'helper' ? 'workerWithYoungGeneration(code, { eval: true }, 6)' : 'new Worker(code, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 6 } })'};
worker.on('message', (mb) => { console.log(mb); worker.terminate(); });
`;
  return Number(
    execFileSync(process.execPath, ['--max-semi-space-size=16', '-e', main], { encoding: 'utf8' }).trim(),
  );
}

describe('a worker with a small young generation', () => {
  it('reads --max-semi-space-size from the command line or NODE_OPTIONS', () => {
    expect(semiSpaceFlagMb(['--max-semi-space-size=16'], '')).toBe(16);
    expect(semiSpaceFlagMb(['--max_semi_space_size', '8'], '')).toBe(8);
    expect(semiSpaceFlagMb([], '--enable-source-maps --max-semi-space-size=32')).toBe(32);
    expect(semiSpaceFlagMb(['--enable-source-maps'], '')).toBeUndefined();
  });

  // the compiled module (npm test builds before jest), run by a node of its own
  it('keeps its young generation small where the process was given larger semi-spaces, which resourceLimits alone does not', () => {
    // the process's 16 MB semi-spaces win over resourceLimits: the plain worker's new space grows to 2 x 16 MB
    expect(newSpaceMb('plain')).toBeGreaterThan(16);
    expect(newSpaceMb('helper')).toBeLessThanOrEqual(6);
  });
});
