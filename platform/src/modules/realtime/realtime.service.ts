import type { Server as HttpServer } from 'node:http';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import PQueue from 'p-queue';
import { Server, type Socket } from 'socket.io';
import {
  SOCKET_EVENTS,
  SOCKET_REQUESTS,
  subscribeRequestSchema,
  type SubscribeAck,
  type Alarm,
  type LocationEvent,
  type TelemetryEvent,
  type Ticket,
  type TicketStatus,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { errorBody, type AppError } from '../../common/errors/app-error';
import { AccessPolicy } from '../access/access-policy';
import { AuthService, type Principal } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { TicketsService } from '../tickets/tickets.service';
import { RealtimeErrors } from './realtime.errors';
import { TelemetryThrottle } from './telemetry-throttle';

type Ack = (response: SubscribeAck) => void;

/** Every staff socket (admin, engineer) is in this room; `<room>/staff` holds a room's staff members. */
const STAFF_ROOM = 'staff';
const staffOf = (room: string) => `${room}/staff`;
const roleRoom = (role: Principal['role']) => `role:${role}`;
/** Every socket of one user, so they can all be closed when the user's sessions end. */
const userRoom = (userId: string) => `user:${userId}`;

/**
 * Socket.IO: token-authenticated clients join rooms (`fleet`, `device:{id}`, `ticket:{id}`,
 * `technician:{id}`, `customer:{id}`) and receive `telemetry` (throttled per device),
 * `device`, `alarm`, `ticket`, `sla`, `guidance` and `location` events, exactly as far as the REST API
 * would show them to the same user (`AccessPolicy`):
 * - a room is joined only if the caller may see what it is about; technicians and customers
 *   join their own `technician:` / `customer:` room on connecting;
 * - device rooms carry what the device's viewers may read (telemetry, presence, alarms);
 *   ticket and SLA events reach a device room's staff only, and otherwise go to the ticket's
 *   own room, its assignee and its customer (`location` reaches the customer only while the
 *   technician is on the way);
 * - when a ticket changes hands or a job ends, sockets that may no longer see the ticket or its
 *   device leave those rooms before the change is announced.
 */
@Injectable()
export class RealtimeService implements OnApplicationShutdown {
  private io?: Server;
  private throttle?: TelemetryThrottle<TelemetryEvent>;
  /** Set in scale-out mode (REDIS_URL): rooms then span every platform instance. */
  private closeRedisAdapter?: () => Promise<void>;
  private readonly unsubscribe: Array<() => void> = [];
  /** Ticket announcements wait for the room clean-up before them, in order. */
  private readonly ticketAnnouncements = new PQueue({ concurrency: 1 });

  constructor(
    private readonly auth: AuthService,
    private readonly access: AccessPolicy,
    private readonly devices: DevicesService,
    private readonly tickets: TicketsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async attach(httpServer: HttpServer): Promise<Server> {
    const io = new Server(httpServer, { serveClient: true, cors: { origin: false } });
    this.io = io;
    if (this.config.redisUrl) {
      // the Redis clients load only in scale-out mode
      const { attachRedisAdapter } = await import('./redis-adapter');
      this.closeRedisAdapter = await attachRedisAdapter(io, this.config.redisUrl, this.logger);
    }
    io.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string') return next(new Error('unauthorized'));
      this.auth.authenticate(token).then(
        (principal) => {
          socket.data.principal = principal;
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    io.on('connection', (socket) => this.onConnection(socket));

    this.throttle = new TelemetryThrottle<TelemetryEvent>(
      this.config.telemetryPushIntervalMs,
      () => this.clock.now(),
      (deviceId, event) => io.to(`device:${deviceId}`).emit(SOCKET_EVENTS.telemetry, event),
    );
    this.unsubscribe.push(
      this.events.on('user.sessions_ended', ({ userId }) => {
        // every instance's sockets of the user, with the Redis adapter
        io.in(userRoom(userId)).disconnectSockets(true);
      }),
      this.events.on('telemetry.accepted', (r) => {
        // With the Redis adapter the room's members may be on another instance, out of sight.
        if (this.closeRedisAdapter || io.sockets.adapter.rooms.has(`device:${r.deviceId}`)) {
          this.throttle?.push(r.deviceId, { deviceId: r.deviceId, ts: r.tsMs, metrics: r.metrics });
        }
      }),
      this.events.on('device.status', (status) => {
        this.emitTo(this.deviceAudience(status.deviceId), SOCKET_EVENTS.device, status);
      }),
      this.events.on('alarm.changed', (alarm: Alarm) => {
        this.emitTo(this.deviceAudience(alarm.deviceId), SOCKET_EVENTS.alarm, alarm);
      }),
      this.events.on('ticket.changed', (ticket: Ticket) => {
        void this.ticketAnnouncements
          .add(async () => {
            await this.evictFromTicketRooms(ticket);
            this.emitTo(this.ticketAudience(ticket, ticket.assigneeId), SOCKET_EVENTS.ticket, ticket);
          })
          .catch((error: unknown) =>
            this.logger.error({ err: error, ticketId: ticket.id }, 'announcing a ticket failed'),
          );
      }),
      this.events.on('sla.event', ({ assigneeId, ...event }) => {
        const ticket = { id: event.ticketId, deviceId: null, customerId: null };
        void this.ticketAnnouncements.add(() =>
          this.emitTo(this.ticketAudience(ticket, assigneeId), SOCKET_EVENTS.sla, event),
        );
      }),
      this.events.on('technician.location', ({ deviceId, customerId, status, ...location }) => {
        const ticket = { id: location.ticketId, deviceId, customerId, status };
        void this.ticketAnnouncements.add(() => this.announceLocation(ticket, location));
      }),
      this.events.on('service_request.changed', (request) => {
        // staff see every request; a customer only their own
        const rooms = [STAFF_ROOM, ...(request.customerId ? [`customer:${request.customerId}`] : [])];
        this.emitTo(rooms, SOCKET_EVENTS.serviceRequest, request);
      }),
      this.events.on('complaint.changed', (complaint) => {
        const rooms = [STAFF_ROOM, ...(complaint.customerId ? [`customer:${complaint.customerId}`] : [])];
        this.emitTo(rooms, SOCKET_EVENTS.complaint, complaint);
      }),
      this.events.on('compensation.changed', (compensation) => {
        this.emitTo([STAFF_ROOM], SOCKET_EVENTS.compensation, compensation);
      }),
      this.events.on('return.changed', (returnCase) => {
        const rooms = [STAFF_ROOM, ...(returnCase.customerId ? [`customer:${returnCase.customerId}`] : [])];
        this.emitTo(rooms, SOCKET_EVENTS.returnCase, returnCase);
      }),
      this.events.on('survey.changed', (survey) => {
        const rooms = [STAFF_ROOM, ...(survey.customerId ? [`customer:${survey.customerId}`] : [])];
        this.emitTo(rooms, SOCKET_EVENTS.survey, survey);
      }),
      this.events.on('part_shipment.changed', (shipment) => {
        const rooms = [STAFF_ROOM, ...(shipment.technicianId ? [`technician:${shipment.technicianId}`] : [])];
        this.emitTo(rooms, SOCKET_EVENTS.partShipment, shipment);
      }),
      this.events.on('firmware_campaign.changed', (campaign) => {
        this.emitTo([STAFF_ROOM], SOCKET_EVENTS.firmwareCampaign, campaign);
      }),
      this.events.on('model_job.changed', (job) => {
        this.emitTo([STAFF_ROOM, roleRoom('manager')], SOCKET_EVENTS.modelJob, job);
      }),
      this.events.on('kpi_warning.changed', (warning) => {
        this.emitTo([STAFF_ROOM, roleRoom('manager')], SOCKET_EVENTS.kpiWarning, warning);
      }),
      this.events.on('notification.inbox', ({ userId, event }) => {
        this.emitTo([userRoom(userId)], SOCKET_EVENTS.notification, event);
      }),
      this.events.on('guidance.pushed', (guidance) => {
        // written for technicians: customers in the ticket's room do not receive it
        this.io
          ?.to([`technician:${guidance.technicianId}`, `ticket:${guidance.ticketId}`])
          .except(roleRoom('customer'))
          .emit(SOCKET_EVENTS.guidance, guidance);
      }),
    );
    return io;
  }

  /** Rooms of everyone who may see the device: staff views, the device's followers, its owner. */
  private deviceAudience(deviceId: string): string[] {
    const customerId = this.devices.find(deviceId)?.customerId;
    return ['fleet', `device:${deviceId}`, ...(customerId ? [`customer:${customerId}`] : [])];
  }

  /** Rooms of everyone who may see the ticket: staff views, its followers, assignee and customer. */
  private ticketAudience(
    ticket: { id: string; deviceId: string | null; customerId: string | null },
    assigneeId: string | null,
  ): string[] {
    return [
      'fleet',
      ...(ticket.deviceId ? [staffOf(`device:${ticket.deviceId}`)] : []),
      `ticket:${ticket.id}`,
      ...(ticket.customerId ? [`customer:${ticket.customerId}`] : []),
      ...(assigneeId ? [`technician:${assigneeId}`] : []),
    ];
  }

  /**
   * To the ticket's audience, as `ticket` events go; its customer only while the technician is
   * on the way (`AccessPolicy.customerMayTrack`).
   */
  private announceLocation(
    ticket: { id: string; deviceId: string; customerId: string | null; status: TicketStatus },
    location: LocationEvent,
  ): void {
    const rooms = this.ticketAudience(ticket, location.technicianId);
    if (this.access.customerMayTrack(ticket)) return this.emitTo(rooms, SOCKET_EVENTS.location, location);
    // not on the way: the customer, in their own room or the ticket's, does not see it
    this.io?.to(rooms).except(roleRoom('customer')).emit(SOCKET_EVENTS.location, location);
  }

  private emitTo(rooms: string[], event: string, payload: unknown): void {
    this.io?.to(rooms).emit(event, payload);
  }

  /** Technicians and customers who may no longer see the ticket or its device leave their rooms. */
  private async evictFromTicketRooms(ticket: Ticket): Promise<void> {
    if (!this.io) return;
    const rooms = [`ticket:${ticket.id}`, `device:${ticket.deviceId}`];
    const sockets = await this.io.in(rooms).except(STAFF_ROOM).fetchSockets();
    for (const socket of sockets) {
      const principal = socket.data.principal as Principal;
      if (socket.rooms.has(rooms[0]) && !this.access.canSeeTicket(principal, ticket)) socket.leave(rooms[0]);
      if (socket.rooms.has(rooms[1]) && !this.mayFollowDevice(principal, ticket.deviceId))
        socket.leave(rooms[1]);
    }
  }

  private mayFollowDevice(principal: Principal, deviceId: string): boolean {
    const device = this.devices.find(deviceId);
    return device !== undefined && this.access.canSeeDevice(principal, device);
  }

  private onConnection(socket: Socket): void {
    const principal = socket.data.principal as Principal;
    const own = [roleRoom(principal.role), userRoom(principal.userId)];
    if (this.access.isStaff(principal)) own.push(STAFF_ROOM);
    if (principal.role === 'customer' && principal.customerId) own.push(`customer:${principal.customerId}`);
    if (principal.role === 'technician' && principal.technicianId)
      own.push(`technician:${principal.technicianId}`);
    void socket.join(own);

    socket.on(SOCKET_REQUESTS.subscribe, (request: unknown, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
      const parsed = subscribeRequestSchema.safeParse(request);
      if (!parsed.success) return reply(failure(RealtimeErrors.badRoom()));
      const room = parsed.data.room;
      this.mayJoin(principal, room).then(
        (allowed) => {
          if (!allowed) return reply(failure(RealtimeErrors.roomForbidden(room)));
          void socket.join(this.access.isStaff(principal) ? [room, staffOf(room)] : room);
          reply({ ok: true });
        },
        (error: unknown) => {
          this.logger.error({ err: error, room }, 'checking a room failed');
          reply(failure(RealtimeErrors.roomForbidden(room)));
        },
      );
    });
    socket.on(SOCKET_REQUESTS.unsubscribe, (request: unknown, ack?: Ack) => {
      const parsed = subscribeRequestSchema.safeParse(request);
      if (parsed.success) {
        void socket.leave(parsed.data.room);
        void socket.leave(staffOf(parsed.data.room));
      }
      if (typeof ack === 'function') ack(parsed.success ? { ok: true } : failure(RealtimeErrors.badRoom()));
    });
  }

  /** The same rules as the REST API's reads of the room's subject. */
  private async mayJoin(principal: Principal, room: string): Promise<boolean> {
    if (this.access.isStaff(principal)) return true;
    const [kind, id] = room.split(':') as [string, string | undefined];
    switch (kind) {
      case 'technician':
        return principal.role === 'technician' && id === principal.technicianId;
      case 'customer':
        return principal.role === 'customer' && id === principal.customerId;
      case 'device':
        return id !== undefined && this.mayFollowDevice(principal, id);
      case 'ticket':
        return id !== undefined && this.tickets.isVisible(id, principal);
      default:
        return false; // `fleet` is the staff's view of everything
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.throttle?.stop();
    await this.ticketAnnouncements.onIdle();
    // The HTTP server is closed by Nest; here only the sockets.
    // `local`: with the Redis adapter a plain disconnectSockets would reach every instance.
    this.io?.local.disconnectSockets(true);
    this.io?.removeAllListeners();
    await this.closeRedisAdapter?.();
  }
}

/** The same body as the HTTP error, with `ok: false` and `error` (the message) for the acknowledgement. */
function failure(error: AppError): SubscribeAck {
  return { ok: false, error: error.message, ...errorBody(error) };
}
