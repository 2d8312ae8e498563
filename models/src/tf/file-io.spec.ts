import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFromDir, saveModelToDir } from './file-io';
import { initTf } from './tf-backend';

describe('DirectoryModelHandler', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-file-io-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips a LayersModel and its metadata with identical predictions', async () => {
    const { tf } = await initTf({ log: () => undefined });
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        inputShape: [3],
        units: 4,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    );
    model.add(
      tf.layers.dense({
        units: 1,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        biasInitializer: 'ones',
      }),
    );
    const x = tf.tensor2d([
      [1, 2, 3],
      [-1, 0.5, 2],
    ]);
    const before = Array.from((model.predict(x) as ReturnType<typeof tf.tensor>).dataSync());

    await saveModelToDir(model, dir, {
      version: 1,
      data: 'unit test',
      trainingParams: { seed: 1 },
      metrics: { rmse: 1.5 },
      date: '2026-01-01T00:00:00.000Z',
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
    expect(fs.statSync(path.join(dir, 'weights.bin')).size).toBe((3 * 4 + 4 + 4 + 1) * 4);

    const { model: loaded, metadata } = await loadModelFromDir(tf, dir);
    const after = Array.from((loaded.predict(x) as ReturnType<typeof tf.tensor>).dataSync());
    expect(after).toEqual(before);
    expect(metadata.metrics.rmse).toBe(1.5);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });
});
