// Composition root of the dashboards app: wires the API client, the socket, the router and the pages.

import type { ApplianceProfileView } from '../../contracts/src';
import { ApiClient } from './api-client.js';
import type { AppContext } from './app-context.js';
import { AlarmsPage } from './pages/alarms-page.js';
import { DevicePage } from './pages/device-page.js';
import { FleetPage } from './pages/fleet-page.js';
import { LoginPage } from './pages/login-page.js';
import { Router } from './router.js';
import { SocketClient } from './socket-client.js';

function start(): void {
  const main = document.getElementById('main');
  const nav = document.getElementById('app-nav');
  const logoutButton = document.getElementById('logout');
  const connection = document.getElementById('connection');
  if (!main || !nav || !logoutButton || !connection) throw new Error('index.html is missing the app shell');

  const api = new ApiClient();
  const socket = new SocketClient();
  let profilesPromise: Promise<ApplianceProfileView[]> | null = null;

  const app: AppContext = {
    api,
    socket,
    navigate: (path) => router.navigate(path),
    onLogin: () => {
      const session = api.session;
      if (session) socket.start(session.accessToken);
      showChrome(true);
      router.navigate('/fleet');
    },
    profiles: () => {
      profilesPromise ??= api.profiles().catch((error: unknown) => {
        profilesPromise = null;
        throw error;
      });
      return profilesPromise;
    },
    now: () => Date.now(),
  };

  const logout = (): void => {
    socket.stop();
    api.logout();
    profilesPromise = null;
    showChrome(false);
    router.navigate('/login');
  };
  api.onUnauthorized = logout;
  socket.onUnauthorized = logout;
  socket.onConnectionChange = (connected) => {
    connection.textContent = connected ? 'live' : 'offline';
    connection.className = `connection ${connected ? 'connection--live' : 'connection--down'}`;
  };
  logoutButton.addEventListener('click', logout);

  const showChrome = (loggedIn: boolean): void => {
    nav.hidden = !loggedIn;
  };

  const router: Router = new Router(
    main,
    [
      { pattern: '/login', public: true, create: () => new LoginPage(app) },
      { pattern: '/fleet', create: () => new FleetPage(app) },
      { pattern: '/devices/:id', create: (params) => new DevicePage(app, params.id) },
      { pattern: '/alarms', create: () => new AlarmsPage(app) },
    ],
    () => api.session !== null,
    (path) => {
      for (const link of nav.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
        const active = path.startsWith(link.dataset.route ?? '\0');
        if (active) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  );

  const session = api.session;
  showChrome(session !== null);
  if (session) socket.start(session.accessToken);
  router.start();
}

start();
