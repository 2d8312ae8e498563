// What went wrong with a form, in words: the area's own text for a server code, the form's label for
// a field the server refused (never its JSON name), else the app's general description.
import { ApiError, describeError } from '../api/api-client';
import { t } from '../i18n/i18n';

/**
 * `fields` names the form's fields by their request path (`technician.baseLocation`); a refused
 * `technician.baseLocation.lat` is named by its longest known prefix.
 */
export function describeFormError(
  error: unknown,
  fields: Record<string, string>,
  codeText?: (code: string) => string | undefined,
): string {
  if (error instanceof ApiError) {
    const byCode = error.code ? codeText?.(error.code) : undefined;
    if (byCode) return byCode;
    if (error.status === 400 && error.field) {
      const parts = error.field.split('.');
      for (let n = parts.length; n > 0; n--) {
        const label = fields[parts.slice(0, n).join('.')];
        if (label) return t('error.invalid', { field: label });
      }
    }
  }
  return describeError(error);
}
