import { featureErrors } from '../../common/errors/app-error';

/** Every way the service requests feature refuses a request. */
export const serviceRequestError = featureErrors({
  'service_request.not_found': 'not_found',
  'service_request.unknown_device': 'invalid',
  'service_request.unknown_symptom': 'invalid',
  'service_request.text_required': 'invalid',
  'service_request.match_fields_required': 'invalid',
  'service_request.device_not_customers': 'invalid',
  'service_request.role_not_allowed': 'forbidden',
  'service_request.bad_status': 'conflict',
  'service_request.cancel_the_visit': 'conflict',
  'service_request.attachment_too_large': 'too_large',
  'service_request.attachment_type_unsupported': 'unsupported_media_type',
  'service_request.attachment_name_required': 'invalid',
  'service_request.attachment_empty': 'invalid',
  'service_request.too_many_attachments': 'conflict',
  'service_request.attachment_not_found': 'not_found',
  'service_request.visits_unavailable': 'unavailable',
});
