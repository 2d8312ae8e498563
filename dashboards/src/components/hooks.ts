// Hooks every page uses: load from the API (and reload after a lost connection), tick a clock for
// "ago" and countdown text, join Socket.IO rooms and listen to events for as long as a page is shown.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ServerToClientEvents } from '../../../contracts/src';
import { useApp } from '../app/app-context';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replaces the data in place, e.g. with a live event's newer copy. */
  update: (change: (current: T) => T) => void;
}

/**
 * Loads with `loader` when `deps` change, and again when the live connection comes back (events
 * missed while it was down are then in the answer).
 */
export function useLoad<T>(loader: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { socket } = useApp();
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    loaderRef.current().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: unknown) =>
        mine === generation.current && setState((previous) => ({ ...previous, error, loading: false })),
    );
  }, []);

  // the caller names what the loader depends on
  useEffect(reload, deps);
  useEffect(
    () =>
      socket.onConnectionChange((connected) => {
        if (connected) reload();
      }),
    [socket, reload],
  );
  const update = useCallback((change: (current: T) => T) => {
    setState((previous) =>
      previous.data === undefined ? previous : { ...previous, data: change(previous.data) },
    );
  }, []);
  return { data: state.data, error: state.error, loading: state.loading, reload, update };
}

/** The current time, refreshed every `everyMs`, so "5 min ago" and countdowns stay true. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Joins the rooms while the component is shown; the server decides what the user may join. */
export function useRooms(rooms: readonly string[]): void {
  const { socket } = useApp();
  const key = rooms.join('|');
  useEffect(() => {
    const subscriptions = rooms.map((room) => socket.subscribe(room));
    return () => subscriptions.forEach((subscription) => subscription.release());
    // `key` is the identity of the room list
  }, [socket, key]);
}

type LiveEvent =
  | 'telemetry'
  | 'device'
  | 'alarm'
  | 'ticket'
  | 'guidance'
  | 'sla'
  | 'location'
  | 'service_request'
  | 'notification'
  | 'complaint'
  | 'compensation'
  | 'return'
  | 'survey'
  | 'part_shipment'
  | 'firmware_campaign';

/** Listens to a server event while the component is shown; the latest `listener` is always called. */
export function useSocketEvent<E extends LiveEvent>(event: E, listener: ServerToClientEvents[E]): void {
  const { socket } = useApp();
  const listenerRef = useRef(listener);
  listenerRef.current = listener;
  useEffect(() => {
    const forward = ((payload: never) =>
      (listenerRef.current as (payload: never) => void)(payload)) as ServerToClientEvents[E];
    return socket.on(event, forward);
  }, [socket, event]);
}

/** Whether the live connection is up, for the banner that says updates are paused. */
export function useConnected(): boolean {
  const { socket } = useApp();
  const [connected, setConnected] = useState(socket.connected);
  useEffect(() => socket.onConnectionChange(setConnected), [socket]);
  return connected;
}
