import { featureErrors } from '../../common/errors/app-error';

/** Every way targets, management warnings and improvement actions refuse a request. */
export const kpiWarningsError = featureErrors({
  /** `{orgId}` names no organisation. */
  'kpi_targets.org_not_found': 'not_found',
  /** `{kpi}` names no KPI. */
  'kpi_targets.kpi_not_found': 'not_found',
  /** A target or warning line outside what the KPI's unit allows (rates 0-1, scores 0-5, others ≥ 0); `field` names it. */
  'kpi_targets.out_of_range': 'invalid',
  'kpi_warnings.not_found': 'not_found',
  'kpi_warnings.action_not_found': 'not_found',
  /** Only the warning's owner, a manager or an admin records or completes its actions. */
  'kpi_warnings.not_owner': 'forbidden',
  /** The action is done already. */
  'kpi_warnings.action_done': 'conflict',
  /** `from` is not before `to`. */
  'kpi_drivers.bad_period': 'invalid',
});
