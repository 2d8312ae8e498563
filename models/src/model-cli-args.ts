import { parseArgs } from 'node:util';
import { DEFAULT_SHARED_DIR } from './model-paths';

export const DATASETS = ['simulator', 'nab-dev', 'cmapss-fd001', 'ai4i2020', 'generated'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface ModelCliArgs {
  only: DatasetName[];
  sharedDir: string;
}

/** `--only simulator,cmapss-fd001` and `--shared <dir>`; a bad value throws naming the option. */
export function parseModelCliArgs(argv: string[]): ModelCliArgs {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string' }, shared: { type: 'string' } },
    allowPositionals: false,
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...DATASETS];
  for (const name of only) {
    if (!(DATASETS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown dataset "${name}" (one of ${DATASETS.join(', ')})`);
    }
  }
  return { only: only as DatasetName[], sharedDir: values.shared ?? DEFAULT_SHARED_DIR };
}
