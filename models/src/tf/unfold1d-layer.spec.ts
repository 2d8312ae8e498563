import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFromDir, saveModelToDir } from './file-io';
import { initTf } from './tf-backend';
import { conv1dLayers, Unfold1dLayer } from './unfold1d-layer';

describe('Unfold1dLayer', () => {
  it('stacks a centred, zero-padded neighbourhood of each step', async () => {
    const { tf } = await initTf({ log: () => undefined });
    const out = new Unfold1dLayer({ kernelSize: 3 }).apply(tf.tensor3d([[[1], [2], [3], [4]]])) as ReturnType<
      typeof tf.tensor
    >;
    expect(out.arraySync()).toEqual([
      [
        [0, 1, 2],
        [1, 2, 3],
        [2, 3, 4],
        [3, 4, 0],
      ],
    ]);
  });

  it('trains on the active backend and survives a save/load round trip', async () => {
    const { tf } = await initTf({ log: () => undefined });
    const model = tf.sequential();
    conv1dLayers({ filters: 2, kernelSize: 3, activation: 'relu', seed: 1, inputShape: [5, 2] }).forEach(
      (l) => model.add(l),
    );
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomNormal([16, 5, 2], 0, 1, 'float32', 3);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 4);
    const history = await model.fit(x, y, { epochs: 20, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold1d-'));
    try {
      await saveModelToDir(model, dir, {
        version: 1,
        data: 'random',
        trainingParams: {},
        metrics: {},
        date: '2026-01-01T00:00:00.000Z',
      });
      const { model: loaded } = await loadModelFromDir(tf, dir);
      const before = (model.predict(x) as ReturnType<typeof tf.tensor>).dataSync();
      const after = (loaded.predict(x) as ReturnType<typeof tf.tensor>).dataSync();
      expect(Array.from(after)).toEqual(Array.from(before));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
