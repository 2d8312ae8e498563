// One Socket.IO connection for the whole app. Pages subscribe to rooms and listen to events through it;
// rooms are joined again after a reconnect because the server forgets them with the old connection.

import type { Alarm, Ticket } from './api-client.js';

export interface TelemetryEvent {
  deviceId: string;
  ts: number;
  metrics: Record<string, number>;
}

export interface DeviceStatusEvent {
  deviceId: string;
  online: boolean;
  lastSeen: number | null;
  fw: string | null;
}

export interface SocketEvents {
  telemetry: TelemetryEvent;
  device: DeviceStatusEvent;
  alarm: Alarm;
  ticket: Ticket;
}

type EventName = keyof SocketEvents;
type Listener<E extends EventName> = (payload: SocketEvents[E]) => void;

const SUBSCRIBE_TIMEOUT_MS = 5000;

export class SocketClient {
  /** Called when the server refuses the token. */
  onUnauthorized: () => void = () => undefined;
  /** Called when the connection comes up or goes down, for the status indicator. */
  onConnectionChange: (connected: boolean) => void = () => undefined;

  private socket: SocketIoSocket | null = null;
  private readonly roomCounts = new Map<string, number>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  start(token: string): void {
    this.stop();
    if (typeof io !== 'function') {
      console.error('Socket.IO client script is missing; live updates are off');
      return;
    }
    const socket = io({ auth: { token }, transports: ['websocket'] });
    this.socket = socket;
    socket.on('connect', () => {
      this.onConnectionChange(true);
      for (const room of this.roomCounts.keys()) void this.join(room);
    });
    socket.on('disconnect', () => this.onConnectionChange(false));
    socket.on('connect_error', (error: { message?: string }) => {
      this.onConnectionChange(false);
      if (error?.message === 'unauthorized') {
        this.stop();
        this.onUnauthorized();
      }
    });
    for (const event of ['telemetry', 'device', 'alarm', 'ticket'] as const) {
      socket.on(event, (payload: unknown) => this.dispatch(event, payload));
    }
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.onConnectionChange(false);
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

  private join(room: string): Promise<boolean> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve(false); // joined on 'connect'
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), SUBSCRIBE_TIMEOUT_MS);
      socket.emit('subscribe', { room }, (response: { ok?: boolean; error?: string } | undefined) => {
        clearTimeout(timer);
        if (!response?.ok) console.warn(`subscribe ${room} refused`, response?.error);
        resolve(response?.ok === true);
      });
    });
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
