// The minimal part of the Socket.IO client the dashboards use. The platform serves the client itself at
// /socket.io/socket.io.js, which defines the global `io`.

interface SocketIoOptions {
  auth?: Record<string, unknown>;
  transports?: string[];
  reconnection?: boolean;
}

interface SocketIoSocket {
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): SocketIoSocket;
  off(event: string, listener?: (...args: never[]) => void): SocketIoSocket;
  emit(event: string, ...args: unknown[]): SocketIoSocket;
  disconnect(): SocketIoSocket;
}

declare function io(options?: SocketIoOptions): SocketIoSocket;
