import type { Server as HttpServer } from 'node:http';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Server, type Socket } from 'socket.io';
import {
  SOCKET_EVENTS,
  SOCKET_REQUESTS,
  subscribeRequestSchema,
  type Alarm,
  type TelemetryEvent,
  type Ticket,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AuthService, type Principal } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { attachRedisAdapter } from './redis-adapter';
import { TelemetryThrottle } from './telemetry-throttle';

type Ack = (response: { ok: boolean; error?: string }) => void;

/**
 * Socket.IO: token-authenticated clients join rooms (`fleet`, `device:{id}`, `ticket:{id}`,
 * `technician:{id}`, `customer:{id}`) and receive `telemetry` (throttled per device),
 * `device`, `alarm` and `ticket` events for what their role may see.
 */
@Injectable()
export class RealtimeService implements OnApplicationShutdown {
  private io?: Server;
  private throttle?: TelemetryThrottle<TelemetryEvent>;
  /** Set in scale-out mode (REDIS_URL): rooms then span every platform instance. */
  private closeRedisAdapter?: () => Promise<void>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly auth: AuthService,
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async attach(httpServer: HttpServer): Promise<Server> {
    const io = new Server(httpServer, { serveClient: true, cors: { origin: false } });
    this.io = io;
    if (this.config.redisUrl) {
      this.closeRedisAdapter = await attachRedisAdapter(io, this.config.redisUrl, this.logger);
    }
    io.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      try {
        if (typeof token !== 'string') throw new Error('no token');
        socket.data.principal = this.auth.verify(token);
        next();
      } catch {
        next(new Error('unauthorized'));
      }
    });
    io.on('connection', (socket) => this.onConnection(socket));

    this.throttle = new TelemetryThrottle<TelemetryEvent>(
      this.config.telemetryPushIntervalMs,
      () => this.clock.now(),
      (deviceId, event) => io.to(`device:${deviceId}`).emit(SOCKET_EVENTS.telemetry, event),
    );
    this.unsubscribe.push(
      this.events.on('telemetry.accepted', (r) => {
        // With the Redis adapter the room's members may be on another instance, out of sight.
        if (this.closeRedisAdapter || io.sockets.adapter.rooms.has(`device:${r.deviceId}`)) {
          this.throttle?.push(r.deviceId, { deviceId: r.deviceId, ts: r.tsMs, metrics: r.metrics });
        }
      }),
      this.events.on('device.status', (status) => {
        const customerId = this.devices.find(status.deviceId)?.customerId;
        this.emitTo(
          ['fleet', `device:${status.deviceId}`, customerId && `customer:${customerId}`],
          SOCKET_EVENTS.device,
          status,
        );
      }),
      this.events.on('alarm.changed', (alarm: Alarm) => {
        const customerId = this.devices.find(alarm.deviceId)?.customerId;
        this.emitTo(
          ['fleet', `device:${alarm.deviceId}`, customerId && `customer:${customerId}`],
          SOCKET_EVENTS.alarm,
          alarm,
        );
      }),
      this.events.on('ticket.changed', (ticket: Ticket) => {
        this.emitTo(
          [
            'fleet',
            `device:${ticket.deviceId}`,
            `ticket:${ticket.id}`,
            ticket.customerId && `customer:${ticket.customerId}`,
            ticket.assigneeId && `technician:${ticket.assigneeId}`,
          ],
          SOCKET_EVENTS.ticket,
          ticket,
        );
      }),
      this.events.on('sla.event', ({ assigneeId, ...event }) => {
        this.emitTo(
          ['fleet', `ticket:${event.ticketId}`, assigneeId && `technician:${assigneeId}`],
          SOCKET_EVENTS.sla,
          event,
        );
      }),
      this.events.on('guidance.pushed', (guidance) => {
        this.emitTo(
          [`technician:${guidance.technicianId}`, `ticket:${guidance.ticketId}`],
          SOCKET_EVENTS.guidance,
          guidance,
        );
      }),
    );
    return io;
  }

  private emitTo(rooms: Array<string | null | undefined | false>, event: string, payload: unknown): void {
    const targets = rooms.filter((r): r is string => typeof r === 'string' && r.length > 0);
    this.io?.to(targets).emit(event, payload);
  }

  private onConnection(socket: Socket): void {
    const principal = socket.data.principal as Principal;
    if (principal.role === 'customer' && principal.customerId)
      void socket.join(`customer:${principal.customerId}`);
    if (principal.role === 'technician' && principal.technicianId)
      void socket.join(`technician:${principal.technicianId}`);

    socket.on(SOCKET_REQUESTS.subscribe, (request: unknown, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
      const parsed = subscribeRequestSchema.safeParse(request);
      if (!parsed.success)
        return reply({
          ok: false,
          error: 'room: expected fleet or device:|ticket:|technician:|customer:<id>',
        });
      const room = parsed.data.room;
      if (!this.mayJoin(principal, room)) return reply({ ok: false, error: `forbidden: ${room}` });
      void socket.join(room);
      reply({ ok: true });
    });
    socket.on(SOCKET_REQUESTS.unsubscribe, (request: unknown, ack?: Ack) => {
      const parsed = subscribeRequestSchema.safeParse(request);
      if (parsed.success) void socket.leave(parsed.data.room);
      if (typeof ack === 'function') ack({ ok: parsed.success });
    });
  }

  private mayJoin(principal: Principal, room: string): boolean {
    if (principal.role === 'admin' || principal.role === 'engineer') return true;
    const [kind, id] = room.split(':');
    switch (principal.role) {
      case 'technician':
        return kind !== 'customer' && (kind !== 'technician' || id === principal.technicianId);
      case 'customer': {
        if (kind === 'customer') return id === principal.customerId;
        if (kind !== 'device') return false;
        const device = this.devices.find(id);
        return device !== undefined && this.devices.canSee(principal, device);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.throttle?.stop();
    // The HTTP server is closed by Nest; here only the sockets.
    // `local`: with the Redis adapter a plain disconnectSockets would reach every instance.
    this.io?.local.disconnectSockets(true);
    this.io?.removeAllListeners();
    await this.closeRedisAdapter?.();
  }
}
