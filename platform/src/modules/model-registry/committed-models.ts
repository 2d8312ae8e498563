import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPLIANCE_TYPES, type ApplianceType } from '../../../../contracts/src';

/**
 * Version 1 of each type whose committed models are under `dir` (`npm run train`): its
 * validation figures and the simulator seeds and sizes it learned from, from the fault model's
 * metadata.
 */
export function committedVersionEntries(
  dir: string,
): Array<{ type: ApplianceType; figures: Record<string, number | null>; training: Record<string, unknown> }> {
  return APPLIANCE_TYPES.flatMap((type) => {
    const file = path.join(dir, type, 'fault', 'metadata.json');
    if (!fs.existsSync(file)) return [];
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      data?: string;
      metrics?: Record<string, number>;
      trainingParams?: Record<string, unknown>;
    };
    const p = meta.trainingParams ?? {};
    return [
      {
        type,
        figures: { ...(meta.metrics ?? {}) },
        training: {
          source: 'committed',
          data: meta.data ?? null,
          simulatorSeeds: {
            train: p.seed ?? null,
            validation: (p.validationFleet as { seed?: number } | undefined)?.seed ?? null,
          },
          trainFleet: p.trainFleet ?? null,
          fieldLabels: 0,
        },
      },
    ];
  });
}
