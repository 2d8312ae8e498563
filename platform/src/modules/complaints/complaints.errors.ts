import { featureErrors } from '../../common/errors/app-error';

/** Every way the complaints feature refuses a request. */
export const complaintError = featureErrors({
  'complaint.not_found': 'not_found',
  'complaint.unknown_device': 'invalid',
  'complaint.unknown_ticket': 'invalid',
  'complaint.unknown_customer': 'invalid',
  'complaint.unknown_investigator': 'invalid',
  'complaint.subject_mismatch': 'invalid',
  'complaint.departments_required': 'invalid',
  'complaint.no_customer': 'conflict',
  'complaint.role_not_allowed': 'forbidden',
  'complaint.wrong_step': 'conflict',
  'complaint.compensation_pending': 'conflict',
  'complaint.compensation_rejected': 'conflict',
  'complaint.compensation_unavailable': 'unavailable',
});
