// The signed-in frame: brand, the role's navigation, live-connection state, language and sign-out,
// and the page of the current route.
import { useEffect } from 'preact/hooks';
import { LOCALES, type Locale } from '../i18n/catalogue';
import { setLocale, t, useI18n } from '../i18n/i18n';
import { useApp } from './app-context';
import { matchRoute, useHashPath } from './router';
import type { RouteDef } from './routes';
import { useConnected } from '../components/hooks';

export function Shell({ routes, onSignOut }: { routes: RouteDef[]; onSignOut: () => void }) {
  const { api, me } = useApp();
  const locale = useI18n();
  const path = useHashPath();
  const connected = useConnected();

  const matched = routes
    .map((route) => ({ route, params: matchRoute(route.pattern, path) }))
    .find((candidate) => candidate.params !== null);
  // an unknown path, or another role's: this role's home page
  const found = matched ?? { route: routes[0], params: {} };
  useEffect(() => {
    if (!matched) history.replaceState(null, '', `#${routes[0].pattern}`);
  }, [matched, routes]);
  const Page = found.route.page;

  const changeLanguage = (next: Locale): void => {
    void setLocale(next);
    // remembered for the user on every device; the page has already switched
    api.patch('/api/me', { language: next }).catch(() => undefined);
  };

  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <header class="topbar">
        <a class="brand" href={`#${routes[0].pattern}`}>
          {t('app.name')}
        </a>
        <nav class="topnav" aria-label={t('app.mainNav')} data-testid="main-nav">
          {routes
            .filter((route) => route.nav)
            .map((route) => (
              <a
                key={route.pattern}
                href={`#${route.pattern}`}
                aria-current={found.route === route ? 'page' : undefined}
              >
                {t(route.nav!)}
                {route.navBadge ? <route.navBadge /> : null}
              </a>
            ))}
        </nav>
        <div class="topbar__tools">
          <span
            class={`connection ${connected ? 'connection--up' : 'connection--down'}`}
            role="status"
            aria-label={t('app.liveStatus')}
            data-testid="connection"
            data-connected={connected ? 'true' : 'false'}
          >
            {connected ? t('app.live') : t('app.offline')}
          </span>
          <label class="language">
            <span class="visually-hidden">{t('app.language')}</span>
            <select
              data-testid="language"
              value={locale}
              onChange={(event) => changeLanguage(event.currentTarget.value as Locale)}
            >
              {LOCALES.map((option) => (
                <option key={option} value={option} lang={option}>
                  {t(`app.languageName.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <span class="muted who" data-testid="who">
            {t('app.signedInAs', { name: me.name ?? me.email, role: t(`role.${me.role}`) })}
          </span>
          <button type="button" class="button button--ghost" data-testid="logout" onClick={onSignOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      {!connected ? (
        <div class="offline-banner" role="alert" data-testid="offline-banner">
          {t('app.offline')}
        </div>
      ) : null}
      <main id="main" tabindex={-1}>
        <Page key={path} params={found.params ?? {}} />
      </main>
    </>
  );
}
