import { featureErrors } from '../../common/errors/app-error';

/** Every way the self-triage and the help articles refuse a request. */
export const selfTriageError = featureErrors({
  'self_triage.unknown_device': 'invalid',
  'help_article.not_found': 'not_found',
});
