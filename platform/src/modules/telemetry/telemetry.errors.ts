import { featureErrors } from '../../common/errors/app-error';

/** Every way a telemetry query is refused. */
export const telemetryError = featureErrors({
  'telemetry.bad_every': 'invalid',
  'telemetry.bad_time': 'invalid',
  'telemetry.bad_range': 'invalid',
  'telemetry.too_many_buckets': 'invalid',
});
