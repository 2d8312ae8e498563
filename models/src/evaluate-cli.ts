import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureFleetFalseAlarms, stateRowScore } from './detector/fleet-false-alarms';
import { evaluateNab } from './detector/nab-eval';
import { evaluateFleetModels } from './fleet/evaluate-fleet';
import { cmapssFoldsReport, fleetLofoReport, nabLofoReport, nabLofoSummary } from './evaluation/lofo-cli';
import { evaluateGenerated } from './generated/generated-eval';
import { runRealDataEvaluation } from './learned/real-data-cli';
import { parseModelCliArgs } from './model-cli-args';
import { ARTIFACTS_DIR, EVALUATION_SEED, FLEET_ARTIFACTS_DIR, REPO_ROOT } from './model-paths';

/**
 * `npm run evaluate [-- --only simulator,nab-dev,cmapss-fd001,ai4i2020,generated]`: one JSON object
 * per line and per dataset on stdout (progress on stderr), from the committed model artifacts.
 */
async function main(argv: string[]): Promise<void> {
  const args = parseModelCliArgs(argv);
  const print = (report: object) => process.stdout.write(`${JSON.stringify(report)}\n`);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  if (args.only.includes('simulator')) {
    log('evaluating the fleet models on simulated fleets not used for training…');
    const r = await evaluateFleetModels({ artifactsDir: FLEET_ARTIFACTS_DIR, seed: EVALUATION_SEED });
    print({
      dataset: 'simulator',
      precision: r.precision,
      recall: r.recall,
      leadTimeHours: r.leadTimeHours,
      faultModeAccuracy: r.faultModeAccuracy,
      falseAlarmsPerDeviceDay: r.falseAlarmsPerDeviceDay,
      seed: EVALUATION_SEED,
      perType: r.perType,
    });
    // the decision rule picked per held-out appliance type on the other types (leave-one-family-out)
    print(await fleetLofoReport());
    log('scoring the anomaly warning as a state (anomaly_active) row by row on a simulated fleet…');
    print(await anomalyStateOnSimulator());
  }
  if (args.only.includes('nab-dev')) {
    log('scoring the online detector on nab-dev…');
    const nab = path.join(args.sharedDir, 'datasets', 'nab-dev');
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nab-results-'));
    try {
      const r = await evaluateNab({
        dataDir: path.join(nab, 'data'),
        windowsPath: path.join(nab, 'labels', 'windows.json'),
        outDir,
        sharedDir: args.sharedDir,
      });
      print({
        dataset: 'nab-dev',
        standard: r.standard,
        standardFixed: r.standardFixed,
        lowFp: r.lowFp,
        lowFn: r.lowFn,
        optimalThreshold: r.optimalThreshold,
      });
      // every family scored with the choices picked on the other families (leave-one-family-out)
      print(nabLofoSummary(await nabLofoReport(args.sharedDir)));
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }
  const real = args.only.filter((d) => d === 'cmapss-fd001' || d === 'ai4i2020');
  if (real.length > 0) {
    log(`evaluating ${real.join(', ')}…`);
    const reports = await runRealDataEvaluation({
      datasetsDir: path.join(args.sharedDir, 'datasets'),
      artifactsDir: ARTIFACTS_DIR,
      only: real.length === 1 ? (real[0] === 'cmapss-fd001' ? 'cmapss' : 'ai4i') : undefined,
      plotsDir: path.join(REPO_ROOT, 'docs', 'img'),
    });
    for (const report of reports) print(report);
    // the RUL model's error across folds of test units: how much it depends on which engines
    if (args.only.includes('cmapss-fd001')) print(await cmapssFoldsReport(args.sharedDir));
  }
  if (args.only.includes('generated')) {
    log('scoring anomaly_active on the generated fault shapes (leave-one-family-out)…');
    print(evaluateGenerated({ onProgress: log }));
  }
}

/**
 * The platform's anomaly warning (AnomalyAlarmRule: detector, regime model, the type's
 * normal-behaviour model) as a state, row by row, against the simulator's fault states: rows from a
 * fault's start to the failure are faulty. Seed 2001 (the fleet models trained on 1001/1002).
 */
async function anomalyStateOnSimulator(): Promise<object> {
  const { FleetModels } = await import('./fleet/fleet-models');
  const models = await FleetModels.load(FLEET_ARTIFACTS_DIR);
  const fleet = { seed: 2001, devicesPerType: 10, days: 7, faultRate: 0.3 };
  try {
    const r = measureFleetFalseAlarms({ ...fleet, models });
    const sum = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const t of r.perType)
      for (const k of ['tp', 'fp', 'fn', 'tn'] as const) sum[k] += t.stateRowCounts[k];
    return {
      dataset: 'simulator',
      evaluation: 'anomaly-state-rows',
      ...fleet,
      overall: stateRowScore(sum),
      perType: r.perType.map((t) => ({
        type: t.type,
        ...t.stateRows,
        falseWarningsPerDeviceDay: t.falseWarningsPerDeviceDay,
        faultsWarned: `${t.detected}/${t.faultyDevices}`,
      })),
    };
  } finally {
    models.dispose();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
