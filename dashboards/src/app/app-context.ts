// What every page gets from the shell: the API and Socket.IO clients and the signed-in user.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from '../../../contracts/src';
import type { ApiClient } from '../api/api-client';
import type { SocketClient } from '../api/socket-client';

export interface AppContextValue {
  api: ApiClient;
  socket: SocketClient;
  me: Me;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}
