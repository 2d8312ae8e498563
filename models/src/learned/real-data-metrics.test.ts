/**
 * Medium test. Real: the committed model artifacts (models/artifacts/cmapss-fd001 and
 * ai4i2020), the real datasets under /work/shared/datasets (or $DATASETS_DIR), and the
 * TensorFlow.js wasm backend. Nothing is trained here: the saved models are loaded and scored
 * on the frozen test sets (FD001 test engines; the AI4I test split recomputed from its seed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateAi4i } from './ai4i-failure-trainer';
import { evaluateCmapss } from './cmapss-rul-trainer';
import { AI4I_ARTIFACT, CMAPSS_ARTIFACT } from './real-data-cli';

const datasetsDir = process.env.DATASETS_DIR ?? '/work/shared/datasets';
const artifactsDir = path.join(__dirname, '..', '..', 'artifacts');

// The bars (the committed models do better: see docs/models.md).
const CMAPSS_MAX_RMSE = 13;
const AI4I_MIN_F1 = 0.85;

describe('learned models on real data (metric floors)', () => {
  beforeAll(() => {
    if (!fs.existsSync(datasetsDir))
      throw new Error(`datasets not found at ${datasetsDir}; set DATASETS_DIR`);
  });

  it(`C-MAPSS FD001: RMSE on the 100 test engines is at most ${CMAPSS_MAX_RMSE} cycles`, async () => {
    const e = await evaluateCmapss(
      path.join(artifactsDir, CMAPSS_ARTIFACT),
      path.join(datasetsDir, 'cmapss'),
    );
    expect(e.predictedRul).toHaveLength(100);
    expect(e.rmse).toBeLessThanOrEqual(CMAPSS_MAX_RMSE);
    expect(Number.isFinite(e.phm08)).toBe(true);
  });

  it(`AI4I 2020: machine-failure F1 on the held-out test split is at least ${AI4I_MIN_F1}`, async () => {
    const e = await evaluateAi4i(path.join(artifactsDir, AI4I_ARTIFACT), path.join(datasetsDir, 'ai4i2020'));
    expect(e.testRows).toBe(2000);
    expect(e.testFailures).toBe(68);
    expect(e.f1).toBeGreaterThanOrEqual(AI4I_MIN_F1);
  });
});
