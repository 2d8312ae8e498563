import * as path from 'node:path';
import { evaluateAi4i, trainAi4i } from './ai4i-failure-trainer';
import { evaluateCmapss, trainCmapss } from './cmapss-rul-trainer';
import { precisionRecallSpec, renderChartPng, rulScatterSpec, writePng } from './plots';

export interface RealDataRunOptions {
  /** Folder holding `cmapss/` and `ai4i2020/` (e.g. /work/shared/datasets). */
  datasetsDir: string;
  /** Folder receiving `cmapss-fd001/` and `ai4i2020/` (e.g. models/artifacts). */
  artifactsDir: string;
  only?: 'cmapss' | 'ai4i';
  /** When set, evaluation also writes its plots there as PNG (e.g. docs/img). */
  plotsDir?: string;
  log?: (line: string) => void;
}

export interface CmapssReport {
  dataset: 'cmapss-fd001';
  rmse: number;
  phm08: number;
  rmseFd003: number;
  phm08Fd003: number;
}

export interface Ai4iReport {
  dataset: 'ai4i2020';
  f1: number;
  precision: number;
  recall: number;
}

export type RealDataReport = CmapssReport | Ai4iReport;

export const CMAPSS_ARTIFACT = 'cmapss-fd001';
export const AI4I_ARTIFACT = 'ai4i2020';

export async function runRealDataTraining(options: RealDataRunOptions): Promise<RealDataReport[]> {
  const reports: RealDataReport[] = [];
  if (options.only !== 'ai4i') {
    const { model, metrics } = await trainCmapss({
      datasetDir: path.join(options.datasetsDir, 'cmapss'),
      artifactDir: path.join(options.artifactsDir, CMAPSS_ARTIFACT),
      log: options.log,
    });
    model.dispose();
    reports.push({ dataset: CMAPSS_ARTIFACT, ...metrics });
  }
  if (options.only !== 'cmapss') {
    const { model, metrics } = await trainAi4i({
      datasetDir: path.join(options.datasetsDir, 'ai4i2020'),
      artifactDir: path.join(options.artifactsDir, AI4I_ARTIFACT),
      log: options.log,
    });
    model.dispose();
    reports.push({ dataset: AI4I_ARTIFACT, ...metrics });
  }
  return reports;
}

export async function runRealDataEvaluation(options: RealDataRunOptions): Promise<RealDataReport[]> {
  const reports: RealDataReport[] = [];
  if (options.only !== 'ai4i') {
    const e = await evaluateCmapss(
      path.join(options.artifactsDir, CMAPSS_ARTIFACT),
      path.join(options.datasetsDir, 'cmapss'),
    );
    reports.push({
      dataset: CMAPSS_ARTIFACT,
      rmse: e.rmse,
      phm08: e.phm08,
      rmseFd003: e.rmseFd003,
      phm08Fd003: e.phm08Fd003,
    });
    if (options.plotsDir) {
      await writePng(
        path.join(options.plotsDir, 'cmapss-fd001-rul.png'),
        await renderChartPng(rulScatterSpec(e.predictedRul, e.trueRul, e.rmse)),
      );
    }
  }
  if (options.only !== 'cmapss') {
    const e = await evaluateAi4i(
      path.join(options.artifactsDir, AI4I_ARTIFACT),
      path.join(options.datasetsDir, 'ai4i2020'),
    );
    reports.push({ dataset: AI4I_ARTIFACT, f1: e.f1, precision: e.precision, recall: e.recall });
    if (options.plotsDir) {
      await writePng(
        path.join(options.plotsDir, 'ai4i2020-precision-recall.png'),
        await renderChartPng(precisionRecallSpec(e.curve, e.f1)),
      );
    }
  }
  return reports;
}
