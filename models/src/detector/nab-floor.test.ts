/**
 * Medium test. Real: the full nab-dev corpus from the shared folder (34 files, 67 windows), the
 * online detector run file by file without look-ahead, and the shared NAB scorer run as a child
 * process. Nothing is faked. The whole run takes a few seconds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateNab } from './nab-eval';

const shared = path.resolve(__dirname, '../../../../shared');
const nab = path.join(shared, 'datasets/nab-dev');

describe('online detector on nab-dev', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nab-'));
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('scores at least the published Numenta HTM figure (72.8, standard profile)', async () => {
    const r = await evaluateNab({
      dataDir: path.join(nab, 'data'),
      windowsPath: path.join(nab, 'labels/windows.json'),
      outDir,
      sharedDir: shared,
    });
    expect(r.files).toBe(34);
    expect(r.standard).toBeGreaterThanOrEqual(72.8);
    // Its own decisions, with the threshold it sets itself, must clear the floor as well.
    expect(r.standardFixed).toBeGreaterThanOrEqual(72.8);
    // And it keeps what it reached (75.88 / 75.56 with the weekly profile): a change that costs
    // half a point on the corpus shows here, not on a user's streams.
    expect(r.standard).toBeGreaterThanOrEqual(75.4);
    expect(r.standardFixed).toBeGreaterThanOrEqual(75.0);
  });
});
