import { AppError } from '../../common/errors/app-error';

export const AuthErrors = {
  badCredentials: () => new AppError('auth.bad_credentials', 'unauthenticated', 'Email or password is wrong'),
  missingToken: () =>
    new AppError(
      'auth.missing_token',
      'unauthenticated',
      'Send "Authorization: Bearer <accessToken>" from /api/auth/login',
    ),
  invalidToken: () =>
    new AppError('auth.invalid_token', 'unauthenticated', 'The access token is invalid or expired'),
  accountDisabled: () =>
    new AppError(
      'auth.account_disabled',
      'unauthenticated',
      'This account is disabled; ask an administrator',
    ),
  tooManyAttempts: (retryAfterS: number) =>
    new AppError(
      'auth.too_many_attempts',
      'rate_limited',
      `Too many failed sign-ins; try again in ${retryAfterS} s`,
      { retryAfterS },
    ),
  forbidden: (role: string) =>
    new AppError('auth.forbidden', 'forbidden', `The role "${role}" may not do this`, { role }),
};
