import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelDirBytes } from '../tf/file-io';
import { evaluateFleetModels } from './evaluate-fleet';
import { FleetModels } from './fleet-models';
import { trainFleetModels } from './train-fleet';

describe('trainFleetModels (quick)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-models-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('learns to find and name injected faults on fleets it never saw', async () => {
    const types = ['refrigerator', 'air_conditioner'] as const;
    const report = await trainFleetModels({ artifactsDir: dir, seed: 11, quick: true, types, log: () => {} });
    expect(report.types.map((t) => t.type)).toEqual(types);
    for (const type of types) {
      for (const part of ['autoencoder', 'fault']) {
        const bytes = modelDirBytes(path.join(dir, type, part));
        expect(bytes).toBeGreaterThan(1000);
        expect(bytes).toBeLessThan(500_000);
      }
    }
    // The training and validation seeds are refused for evaluation.
    await expect(evaluateFleetModels({ artifactsDir: dir, seed: 11 })).rejects.toThrow(/seed 11/);

    const evaluation = await evaluateFleetModels({ artifactsDir: dir, seed: 77, devicesPerType: 8, days: 8 });
    expect(evaluation.recall).toBeGreaterThanOrEqual(0.5);
    // Three fault modes per type: chance is 1/3.
    expect(evaluation.faultModeAccuracy).toBeGreaterThan(0.5);
    expect(Object.keys(evaluation.perType)).toEqual([...types]);

    const models = await FleetModels.load(dir);
    expect(models.types).toEqual([...types]);
  }, 240_000); // 10–20 s alone; several times that beside another worker on two cores
});
