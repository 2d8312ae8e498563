// The browser app: sign-in, then the signed-in user's workspace in their language, live over Socket.IO.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Me } from '../../contracts/src';
import { ApiClient } from './api/api-client';
import { SocketClient } from './api/socket-client';
import { AppContext } from './app/app-context';
import { loadRoutes, type RouteDef } from './app/routes';
import { Shell } from './app/shell';
import { ErrorNote, Loading } from './components/ui';
import { localeFor } from './i18n/catalogue';
import { currentLocale, setLocale } from './i18n/i18n';
import { LoginPage } from './login/login-page';
// aftercare (H6): the e-mail's survey link answers before sign-in
import { SurveyLinkPage, useSurveyLink } from './customer/aftercare-survey-link';

const api = new ApiClient();
const socket = new SocketClient();

function App() {
  const [signedIn, setSignedIn] = useState(api.session !== null);
  const [me, setMe] = useState<Me | null>(null);
  const [routes, setRoutes] = useState<RouteDef[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const surveyLink = useSurveyLink();

  const signOut = useCallback(() => {
    socket.stop();
    api.logout();
    setMe(null);
    setRoutes(null);
    setSignedIn(false);
    window.location.hash = '#/';
  }, []);

  useEffect(() => {
    api.onUnauthorized = signOut;
    socket.onUnauthorized = signOut;
  }, [signOut]);

  useEffect(() => {
    const session = api.session;
    if (!signedIn || !session) return;
    setError(null);
    api.get<Me>('/api/me').then(
      async (loaded) => {
        // the user's saved language wins over the browser's
        if (loaded.language && localeFor(loaded.language) !== currentLocale())
          await setLocale(loaded.language);
        // the role's workspace is its own chunk
        setRoutes(await loadRoutes(loaded.role));
        socket.start(session.accessToken);
        setMe(loaded);
      },
      (caught: unknown) => setError(caught),
    );
  }, [signedIn]);

  if (!signedIn && surveyLink) return <SurveyLinkPage link={surveyLink} />;
  if (!signedIn) return <LoginPage api={api} onSignedIn={() => setSignedIn(true)} />;
  if (error) return <ErrorNote error={error} onRetry={() => setSignedIn(api.session !== null)} />;
  if (!me || !routes) return <Loading />;
  return (
    <AppContext.Provider value={{ api, socket, me }}>
      <Shell routes={routes} onSignOut={signOut} />
    </AppContext.Provider>
  );
}

document.documentElement.lang = currentLocale();
render(<App />, document.getElementById('app')!);
