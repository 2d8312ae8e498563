import fs from 'node:fs';
import path from 'node:path';

/** The repository root, from source (`models/src`) or from the build (`dist/models/src`). */
function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (
      fs.existsSync(path.join(dir, 'package.json')) &&
      fs.existsSync(path.join(dir, 'models', 'artifacts'))
    ) {
      return dir;
    }
  }
  throw new Error(`no repository root (package.json with models/artifacts) above ${start}`);
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'models', 'artifacts');
export const FLEET_ARTIFACTS_DIR = path.join(ARTIFACTS_DIR, 'fleet');
/** `shared/` sits beside the repository (datasets, the NAB scorer). */
export const DEFAULT_SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const TRAINING_SEED = 1001;
/** Evaluation fleets use a seed never used for training or validation. */
export const EVALUATION_SEED = 3003;
