import { featureErrors } from '../../common/errors/app-error';

/** Every way the surveys feature refuses a request. */
export const surveyError = featureErrors({
  'survey.not_found': 'not_found',
  /** The e-mail link's token is not one we signed for this survey. */
  'survey.link_invalid': 'unauthenticated',
  /** The survey closed unanswered (its `dueBy` passed). */
  'survey.expired': 'gone',
  'survey.already_answered': 'conflict',
  'survey.role_not_allowed': 'forbidden',
});
