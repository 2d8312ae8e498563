import type { Request } from 'express';
import {
  FIRMWARE_IMAGE_MAX_BYTES,
  firmwareImageUploadSchema,
  type FirmwareImageUpload,
} from '../../../../contracts/src';
import { AppError } from '../../common/errors/app-error';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { firmwareError } from './firmware.errors';

/** Room for the form's text fields and part headers around the image. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
const TEXT_FIELDS = ['version', 'type', 'models', 'sha256', 'notes'] as const;

/**
 * Reads a multipart/form-data image upload: the text fields parsed with the contracts schema
 * (a bad one is a 400 naming it) and the file of field `image`, at most 64 MB.
 */
export async function readImageUpload(
  request: Request,
): Promise<{ fields: FirmwareImageUpload; content: Buffer }> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data;/i.test(contentType)) {
    throw firmwareError(
      'firmware.multipart_required',
      'Upload the image as multipart/form-data, the file in field "image"',
    );
  }
  const body = await readBody(request, FIRMWARE_IMAGE_MAX_BYTES + FORM_OVERHEAD_BYTES);
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new AppError('validation_failed', 'invalid', '(body): not a readable multipart/form-data body', {
      field: '(body)',
    });
  }
  const text: Record<string, string> = {};
  for (const name of TEXT_FIELDS) {
    const value = form.get(name);
    if (typeof value === 'string') text[name] = value;
  }
  const fields = new ZodValidationPipe(firmwareImageUploadSchema).transform(text);
  const file = form.get('image');
  if (file === null || typeof file === 'string') {
    throw new AppError('validation_failed', 'invalid', 'image: the firmware file is required', {
      field: 'image',
    });
  }
  if (file.size > FIRMWARE_IMAGE_MAX_BYTES) throw tooLarge();
  if (file.size === 0) {
    throw new AppError('validation_failed', 'invalid', 'image: the firmware file is empty', {
      field: 'image',
    });
  }
  return { fields, content: Buffer.from(await file.arrayBuffer()) };
}

function readBody(request: Request, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function tooLarge(): AppError {
  return firmwareError(
    'firmware.image_too_large',
    `A firmware image is at most ${FIRMWARE_IMAGE_MAX_BYTES} bytes`,
    {
      field: 'image',
      limitBytes: FIRMWARE_IMAGE_MAX_BYTES,
    },
  );
}
