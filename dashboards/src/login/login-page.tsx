import { useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api/api-client';
import { t, useI18n } from '../i18n/i18n';

export function LoginPage({ api, onSignedIn }: { api: ApiClient; onSignedIn: () => void }) {
  useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login(email.trim(), password);
      onSignedIn();
    } catch (caught) {
      setError(loginError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login" tabindex={-1}>
      <form class="card login__form" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">{t('app.name')}</h1>
        <p class="muted">{t('login.intro')}</p>
        <label>
          {t('login.email')}
          <input
            type="email"
            autocomplete="username"
            required
            value={email}
            data-testid="login-email"
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={password}
            data-testid="login-password"
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error ? (
          <p class="error-note" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}

function loginError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.network');
  if (error.status === 429) return t('login.throttled', { seconds: error.retryAfterS ?? 60 });
  if (error.code === 'auth.account_disabled') return t('login.disabled');
  return t('login.failed');
}
