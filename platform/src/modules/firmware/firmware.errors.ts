import { featureErrors } from '../../common/errors/app-error';

/** Every way the firmware feature refuses a request. */
export const firmwareError = featureErrors({
  'firmware.image_not_found': 'not_found',
  'firmware.campaign_not_found': 'not_found',
  /** The uploaded file's SHA-256 is not the one the uploader stated. */
  'firmware.checksum_mismatch': 'invalid',
  /** An image of this appliance type and version exists already. */
  'firmware.version_exists': 'conflict',
  'firmware.image_too_large': 'too_large',
  /** An upload is multipart/form-data with the file in field `image`. */
  'firmware.multipart_required': 'unsupported_media_type',
  /** The download link's token is missing, wrong, for another device or image, or expired. */
  'firmware.download_token': 'forbidden',
  /** The action does not fit the campaign's state (the message names the state). */
  'firmware.campaign_state': 'conflict',
  /** No device matches the campaign's image and target (or all run its version already). */
  'firmware.no_targets': 'conflict',
});
