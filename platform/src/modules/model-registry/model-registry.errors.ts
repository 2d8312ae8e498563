import { featureErrors } from '../../common/errors/app-error';

/** Every way the model registry refuses a request. */
export const modelRegistryError = featureErrors({
  'model.job_not_found': 'not_found',
  /** A retraining job for the appliance type is running already (`details.jobId`). */
  'model.job_running': 'conflict',
  /** The type has no active version to retrain from (no committed models of it). */
  'model.no_active_version': 'conflict',
  /** Nothing to roll back to: the active version is the first promoted one. */
  'model.no_previous_version': 'conflict',
});
