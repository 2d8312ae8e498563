import { featureErrors } from '../../common/errors/app-error';

/** Every way an SLA clock refuses a change. */
export const slaError = featureErrors({
  'sla.already_paused': 'conflict',
  'sla.not_paused': 'conflict',
});
