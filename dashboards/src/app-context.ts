// What every page gets from the composition root (main.ts).

import type { ApplianceProfileView } from '../../contracts/src';
import type { ApiClient } from './api-client.js';
import type { SocketClient } from './socket-client.js';

export interface AppContext {
  api: ApiClient;
  socket: SocketClient;
  navigate(path: string): void;
  /** Called after a successful login: opens the socket and shows the app. */
  onLogin(): void;
  /** Appliance profiles, fetched once per session. */
  profiles(): Promise<ApplianceProfileView[]>;
  /** Wall clock; one place so the pages agree on "now". */
  now(): number;
}
