import { featureErrors } from '../../common/errors/app-error';

/**
 * Every way a device-credential request is refused (messages for people: see the code list in
 * docs/adr/0011-device-certificates.md).
 */
export const deviceCredentialsError = featureErrors({
  /** The body's `csr` is not a PEM PKCS#10 request, or its signature does not verify. */
  'device.csr_invalid': 'invalid',
  /** The CSR's subject CN is not the device id. */
  'device.csr_subject_mismatch': 'invalid',
  /** No certificate with that serial was issued to the device. */
  'device.certificate_not_found': 'not_found',
});
