// The admin pages' error text: the server's user-management codes in the admin catalogue's words,
// refused fields by their form labels, anything else as the app describes it.
import { tDynamic } from '../i18n/i18n';
import { describeFormError } from '../engineer/desk-errors';

export function describeAdminError(error: unknown, fields: Record<string, string> = {}): string {
  return describeFormError(error, fields, (code) => tDynamic(`admin.error.${code}`, '') || undefined);
}
