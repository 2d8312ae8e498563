// One Socket.IO connection for the whole app. Pages subscribe to rooms and listen to events through it;
// rooms are joined again after a reconnect because the server forgets them with the old connection.

import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../contracts/src';

/** The server events the pages listen to; the names and payloads are checked against contracts/. */
const LIVE_EVENTS = [
  'telemetry',
  'device',
  'alarm',
  'ticket',
  'guidance',
  'sla',
  'location',
  'service_request',
  'notification',
  'complaint',
  'compensation',
  'return',
  'survey',
  'part_shipment',
  'firmware_campaign',
] as const satisfies readonly (keyof ServerToClientEvents)[];

type EventName = (typeof LIVE_EVENTS)[number];
type Listener<E extends EventName> = ServerToClientEvents[E];

const SUBSCRIBE_TIMEOUT_MS = 5000;

export class SocketClient {
  /** Called when the server refuses the token. */
  onUnauthorized: () => void = () => undefined;
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private readonly roomCounts = new Map<string, number>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Calls `listener` when the connection comes up or goes down (the status banner, reloads after a gap). */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  private announce(connected: boolean): void {
    for (const listener of this.connectionListeners) listener(connected);
  }

  start(token: string): void {
    this.stop();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      auth: { token },
      transports: ['websocket'],
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.announce(true);
      for (const room of this.roomCounts.keys()) void this.join(room);
    });
    socket.on('disconnect', () => this.announce(false));
    socket.on('connect_error', (error) => {
      this.announce(false);
      if (error.message === 'unauthorized') {
        this.stop();
        this.onUnauthorized();
      }
    });
    for (const event of LIVE_EVENTS) {
      socket.on(event, (payload: unknown) => this.dispatch(event, payload));
    }
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.announce(false);
  }

  /** Listens to a server event; returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const stored = listener as (payload: never) => void;
    set.add(stored);
    return () => set.delete(stored);
  }

  /**
   * Joins a room (reference-counted: two pages may want the same room); resolves with the server's verdict.
   * Returns the function that leaves it again.
   */
  subscribe(room: string): { ready: Promise<boolean>; release: () => void } {
    const count = this.roomCounts.get(room) ?? 0;
    this.roomCounts.set(room, count + 1);
    const ready = count === 0 ? this.join(room) : Promise.resolve(true);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const remaining = (this.roomCounts.get(room) ?? 1) - 1;
      if (remaining > 0) {
        this.roomCounts.set(room, remaining);
        return;
      }
      this.roomCounts.delete(room);
      if (this.socket?.connected) this.socket.emit('unsubscribe', { room });
    };
    return { ready, release };
  }

  private async join(room: string): Promise<boolean> {
    const socket = this.socket;
    if (!socket?.connected) return false; // joined on 'connect'
    try {
      const response = await socket.timeout(SUBSCRIBE_TIMEOUT_MS).emitWithAck('subscribe', { room });
      if (!response.ok) console.warn(`subscribe ${room} refused`, response.error);
      return response.ok;
    } catch {
      return false; // no answer in time
    }
  }

  private dispatch(event: EventName, payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return;
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload as never);
      } catch (error) {
        console.error(`listener for ${event} failed`, error);
      }
    }
  }
}
